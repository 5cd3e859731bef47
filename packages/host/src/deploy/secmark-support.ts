import type { MarkwrightDocument } from '@markwright/core';
import { EnvironmentError } from '../exec/errors';
import type { Runner } from '../exec/runner';
import { checkSecmarks, type PlanFindings } from './plan-checks';

/**
 * Apply refuses the whole document, before touching the box, when the target's LSM does not accept its labels:
 * loading the rest would be a partial apply. Uses the same check as plan; one message names every label.
 */
export async function assertSecmarksDeployable(runner: Runner, doc: MarkwrightDocument): Promise<void> {
  const labels = doc.layout.secmarks ?? [];
  if (labels.length === 0) return;
  const found: PlanFindings = { problems: [], notes: [] };
  await checkSecmarks(runner, doc, found);
  if (found.problems.length === 0) return;
  const refused = found.problems.map((p) => {
    const i = Number(/\[(\d+)\]/.exec(p.field)?.[1]);
    return `${labels[i]?.name ?? p.field} (${String(p.value)})`;
  });
  throw new EnvironmentError(
    `layout.secmarks: security labels ${refused.join(', ')} cannot be deployed: ${found.problems[0]!.message}. Nothing was applied; remove the labels to deploy the rest`,
  );
}
