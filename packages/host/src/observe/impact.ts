import type { ImpactReport, MarkwrightDocument } from '@markwright/core';
import { boxWithDocument } from '@markwright/core/compile';
import { OWNED_TABLE, type Ownership } from '../deploy/ownership';
import type { Runner } from '../exec/runner';
import { probe } from '../probe/probe';
import { type LiveConnection, readConntrack } from './conntrack-list';
import { computeImpact } from './impact-compute';

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
