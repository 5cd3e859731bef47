// How the history names what became of a deployment, and which plan lines a plan problem belongs beside.

import type { DeploymentEntry } from '@markwright/api';
import type { PlanChange, PlanProblem, PlanReport } from '@markwright/core';

/**
 * applied (no countdown), confirmed (kept by hand), verified (kept after the box was checked), reverted by
 * timeout, reverted by verification, rolled back, uninstalled, failed, superseded, pending.
 */
export function outcomeLabel(entry: DeploymentEntry): string {
  const outcome: string = entry.outcome;
  const message = entry.message ?? '';
  switch (outcome) {
    case 'confirmed':
      if (/verif/i.test(message)) return 'verified';
      return entry.confirmedAt !== null && entry.confirmedAt === entry.appliedAt ? 'applied' : 'confirmed';
    case 'reverted':
      return /verif/i.test(message) ? 'reverted by verification' : 'reverted by timeout';
    case 'rolled-back':
      return message === 'uninstalled' ? 'uninstalled' : 'rolled back';
    default:
      return outcome.replace(/-/g, ' ');
  }
}

/** One line of the plan as shown: a change, or a problem placed after the changes of its part. */
export type PlanLine =
  | { readonly kind: 'change'; readonly change: PlanChange }
  | { readonly kind: 'problem'; readonly problem: PlanProblem };

/** The parts of a plan a problem is about, as the change kinds name them. */
const CHANGE_KIND: Record<PlanProblem['part'], PlanChange['kind'] | null> = {
  'ip-rule': 'ip-rule',
  route: 'route',
  tc: 'tc',
  secmark: 'nft',
  sysctl: null,
};

/** The plan's changes with each problem right after the last line of the part it is about (else at the end). */
export function planLines(plan: PlanReport): PlanLine[] {
  const lines: PlanLine[] = plan.changes.map((change) => ({ kind: 'change', change }));
  const trailing: PlanLine[] = [];
  for (const problem of plan.problems ?? []) {
    const kind = CHANGE_KIND[problem.part];
    let at = -1;
    lines.forEach((l, i) => {
      if (l.kind === 'change' && l.change.kind === kind) at = i;
      if (l.kind === 'problem' && at >= 0 && i === at + 1) at = i;
    });
    if (at < 0) trailing.push({ kind: 'problem', problem });
    else lines.splice(at + 1, 0, { kind: 'problem', problem });
  }
  return [...lines, ...trailing];
}
