// The core functions the service needs, behind one interface so service tests can pass their own.

import type {
  BoxConfig,
  CheckError,
  Conflict,
  IpRule,
  Layout,
  MarkwrightDocument,
  PacketSpec,
  Route,
  Ruleset,
  SimulationReport,
} from '@markwright/core';
import {
  checkDocument,
  detectConsumers,
  hostConflicts,
  knownConflicts,
  routeConflicts,
  routedFields,
  serializeDocument,
} from '@markwright/core';
import { bitUsage } from '@markwright/core/analyze';
import { boxWithDocument } from '@markwright/core/compile';
import { parseIpRoutesAuto, parseIpRulesAuto, parseRulesetAuto } from '@markwright/core/lang';
import { simulate } from '@markwright/core/simulate';

/** What the service asks of core. */
export interface DocumentTools {
  checkDocument(json: unknown): { document: MarkwrightDocument | null; errors: CheckError[] };
  serializeDocument(document: MarkwrightDocument): Record<string, unknown>;
  /**
   * Conflicts with known consumers (bits, sysctls, ip rule priorities and tables); the policy says which
   * fields route. Consumers in `detected` are marked detected, the rest catalogue.
   */
  knownConflicts(document: MarkwrightDocument, detected?: ReadonlySet<string>): Conflict[];
  /** Known consumer ids whose rules or table/chain names appear in these host rule texts. */
  detectConsumers(hostRules: readonly string[]): string[];
  /** Conflicts with rules read from a box (nft JSON, nft text or iptables-save texts). */
  hostConflicts(layout: Layout, hostRules: readonly string[]): Conflict[];
  /** The box with the document applied: its table, ip rules, owned routes and tc filters in place of ours. */
  boxWithDocument(live: BoxConfig, document: MarkwrightDocument): BoxConfig;
  parseRuleset(text: string): Ruleset;
  parseIpRules(text: string): IpRule[];
  parseRoutes(text: string): Route[];
  simulate(box: BoxConfig, packets: readonly PacketSpec[]): SimulationReport;
}

/** DocumentTools backed by @markwright/core. */
export const coreTools: DocumentTools = {
  checkDocument,
  serializeDocument,
  knownConflicts: (document, detected) => [
    ...knownConflicts(document.layout, { routedFields: routedFields(document), detected }),
    ...routeConflicts(document.policy.routes, { detected }),
  ],
  detectConsumers: (hostRules) =>
    hostRules.flatMap((text) => {
      const { ruleset } = parseRulesetAuto(text);
      const names = ruleset.tables.flatMap((t) => [
        `table ${t.family} ${t.name}`,
        ...t.chains.map((c) => `chain ${t.family} ${t.name} ${c.name}`),
      ]);
      return detectConsumers(bitUsage(ruleset), names).map((c) => c.consumer);
    }),
  hostConflicts: (layout, hostRules) =>
    hostConflicts(
      layout,
      hostRules.flatMap((text) => bitUsage(parseRulesetAuto(text).ruleset)),
    ),
  boxWithDocument: (live, document) => boxWithDocument(live, document),
  parseRuleset: (text) => parseRulesetAuto(text).ruleset,
  parseIpRules: (text) => parseIpRulesAuto(text),
  parseRoutes: (text) => parseIpRoutesAuto(text),
  simulate: (box, packets) => simulate(box, packets),
};
