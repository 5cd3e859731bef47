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
  hostConflicts,
  knownConflicts,
  routedFields,
  serializeDocument,
} from '@markwright/core';
import { bitUsage } from '@markwright/core/analyze';
import { compileDocument } from '@markwright/core/compile';
import { parseIpRoutesJson, parseIpRulesJson, parseRulesetAuto } from '@markwright/core/lang';
import { simulate } from '@markwright/core/simulate';

/** What the service asks of core. */
export interface DocumentTools {
  checkDocument(json: unknown): { document: MarkwrightDocument | null; errors: CheckError[] };
  serializeDocument(document: MarkwrightDocument): Record<string, unknown>;
  /** Conflicts with known consumers; the policy says which fields route (for sysctl side effects). */
  knownConflicts(document: MarkwrightDocument): Conflict[];
  /** Conflicts with rules read from a box (nft JSON, nft text or iptables-save texts). */
  hostConflicts(layout: Layout, hostRules: readonly string[]): Conflict[];
  compileDocument(document: MarkwrightDocument): BoxConfig;
  parseRuleset(text: string): Ruleset;
  parseIpRules(text: string): IpRule[];
  parseRoutes(text: string): Route[];
  simulate(box: BoxConfig, packets: readonly PacketSpec[]): SimulationReport;
}

/** DocumentTools backed by @markwright/core. */
export const coreTools: DocumentTools = {
  checkDocument,
  serializeDocument,
  knownConflicts: (document) => knownConflicts(document.layout, { routedFields: routedFields(document) }),
  hostConflicts: (layout, hostRules) =>
    hostConflicts(
      layout,
      hostRules.flatMap((text) => bitUsage(parseRulesetAuto(text).ruleset)),
    ),
  compileDocument: (document) => compileDocument(document),
  parseRuleset: (text) => parseRulesetAuto(text).ruleset,
  parseIpRules: (text) => parseIpRulesJson(text),
  parseRoutes: (text) => parseIpRoutesJson(text),
  simulate: (box, packets) => simulate(box, packets),
};
