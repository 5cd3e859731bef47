// The core functions the service needs, reached by name so the app builds while parts of core are still arriving;
// a missing one makes only the calls that need it fail, with an `environment` error naming it.

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
import * as core from '@markwright/core';
import type { RuleBitUsage } from '@markwright/core/analyze';
import * as analyze from '@markwright/core/analyze';
import * as compile from '@markwright/core/compile';
import * as parse from '@markwright/core/parse';
import * as simulateModule from '@markwright/core/simulate';
import { ApiError } from '../api/types';

/** What the service asks of core; tests may pass their own. */
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

type AnyFunction = (...args: never[]) => unknown;

function lookup<F extends AnyFunction>(module: object, name: string): F {
  const fn = (module as Record<string, unknown>)[name];
  if (typeof fn !== 'function') {
    throw new ApiError('environment', `${name} is not available in this build of Markwright`);
  }
  return fn as F;
}

/** DocumentTools backed by @markwright/core. */
export const coreTools: DocumentTools = {
  checkDocument: (json) =>
    lookup<(json: unknown) => { document: MarkwrightDocument | null; errors: CheckError[] }>(
      core,
      'checkDocument',
    )(json),
  serializeDocument: (document) =>
    lookup<(d: MarkwrightDocument) => Record<string, unknown>>(core, 'serializeDocument')(document),
  knownConflicts: (layout) => lookup<(l: Layout) => Conflict[]>(core, 'knownConflicts')(layout),
  hostConflicts: (layout, hostRules) => {
    const usages = hostRules.flatMap((text) =>
      lookup<(r: Ruleset) => RuleBitUsage[]>(analyze, 'bitUsage')(coreTools.parseRuleset(text)),
    );
    return lookup<(l: Layout, u: readonly RuleBitUsage[]) => Conflict[]>(core, 'hostConflicts')(
      layout,
      usages,
    );
  },
  compileDocument: (document) =>
    lookup<(d: MarkwrightDocument) => BoxConfig>(compile, 'compileDocument')(document),
  parseRuleset: (text) =>
    lookup<(t: string) => { ruleset: Ruleset }>(parse, 'parseRulesetAuto')(text).ruleset,
  parseIpRules: (text) => lookup<(t: string) => IpRule[]>(parse, 'parseIpRulesJson')(text),
  parseRoutes: (text) => lookup<(t: string) => Route[]>(parse, 'parseIpRoutesJson')(text),
  simulate: (box, packets) =>
    lookup<(b: BoxConfig, p: readonly PacketSpec[]) => SimulationReport>(simulateModule, 'simulate')(
      box,
      packets,
    ),
};
