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
import { checkDocument, hostConflicts, knownConflicts, serializeDocument } from '@markwright/core';
import { bitUsage } from '@markwright/core/analyze';
import { compileDocument } from '@markwright/core/compile';
import * as parse from '@markwright/core/parse';
import { parseRulesetAuto } from '@markwright/core/parse';
import { simulate } from '@markwright/core/simulate';
import { ApiError } from '../api/types';

/** What the service asks of core. */
export interface DocumentTools {
  checkDocument(json: unknown): { document: MarkwrightDocument | null; errors: CheckError[] };
  serializeDocument(document: MarkwrightDocument): Record<string, unknown>;
  knownConflicts(layout: Layout): Conflict[];
  /** Conflicts with rules read from a box (nft JSON, nft text or iptables-save texts). */
  hostConflicts(layout: Layout, hostRules: readonly string[]): Conflict[];
  compileDocument(document: MarkwrightDocument): BoxConfig;
  parseRuleset(text: string): Ruleset;
  parseIpRules(text: string): IpRule[];
  parseRoutes(text: string): Route[];
  simulate(box: BoxConfig, packets: readonly PacketSpec[]): SimulationReport;
}

/** A parser of core's that may not be in every build (`ip -j rule` / `ip -j route` JSON). */
function optionalParser<T>(name: string): (text: string) => T {
  return (text) => {
    const fn = (parse as Record<string, unknown>)[name];
    if (typeof fn !== 'function') throw new ApiError('environment', `${name} is not available in this build`);
    return (fn as (text: string) => T)(text);
  };
}

/** DocumentTools backed by @markwright/core. */
export const coreTools: DocumentTools = {
  checkDocument,
  serializeDocument,
  knownConflicts: (layout) => knownConflicts(layout),
  hostConflicts: (layout, hostRules) =>
    hostConflicts(
      layout,
      hostRules.flatMap((text) => bitUsage(parseRulesetAuto(text).ruleset)),
    ),
  compileDocument: (document) => compileDocument(document),
  parseRuleset: (text) => parseRulesetAuto(text).ruleset,
  parseIpRules: optionalParser<IpRule[]>('parseIpRulesJson'),
  parseRoutes: optionalParser<Route[]>('parseIpRoutesJson'),
  simulate: (box, packets) => simulate(box, packets),
};
