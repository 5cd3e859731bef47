import type { BoxConfig, ImpactReport, MarkwrightDocument } from '@markwright/core';
import { compileDocument } from '@markwright/core/compile';
import { OWNED_TABLE, type Ownership } from '../deploy/ownership';
import type { Runner } from '../exec/runner';
import { probe } from '../probe/probe';
import { type LiveConnection, readConntrack } from './conntrack-list';
import { computeImpact } from './impact-compute';

/** The box as it would be with the document applied: our table, ip rules and tc filters replaced, the rest kept. */
export function boxWithDocument(live: BoxConfig, doc: MarkwrightDocument, ownership: Ownership): BoxConfig {
  const ours = compileDocument(doc, {
    ruleProtocol: ownership.ipRuleProtocol,
    tcPriorityBase: ownership.tcPriorities[0],
  });
  const [tlo, thi] = ownership.tcPriorities;
  return {
    ruleset: {
      tables: [
        ...live.ruleset.tables.filter((t) => !(t.family === 'inet' && t.name === OWNED_TABLE)),
        ...ours.ruleset.tables,
      ],
    },
    ipRules: [
      ...live.ipRules.filter((r) => r.protocol !== String(ownership.ipRuleProtocol)),
      ...ours.ipRules,
    ],
    routes: [...live.routes, ...ours.routes],
    tcFilters: [...live.tcFilters.filter((f) => f.priority < tlo || f.priority > thi), ...ours.tcFilters],
  };
}

export interface ImpactOptions {
  /** Connections to use instead of the target's conntrack table (a saved `conntrack -L -o extended`). */
  readonly connections?: readonly LiveConnection[];
}

/** Which of the target's live connections the document would change, and how. */
export async function liveImpact(
  runner: Runner,
  doc: MarkwrightDocument,
  ownership: Ownership,
  options: ImpactOptions = {},
): Promise<ImpactReport> {
  const probed = await probe(runner, ownership);
  const connections = options.connections ?? (await readConntrack(runner)).connections;
  return computeImpact(probed.box, boxWithDocument(probed.box, doc, ownership), connections, OWNED_TABLE);
}
