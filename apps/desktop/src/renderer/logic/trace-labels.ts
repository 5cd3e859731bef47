// The security labels a simulated packet carries after each step, for the simulator's label column.

import type { PacketResult, StepLabels, TraceStep } from '@markwright/core';

/** Whether a packet's trace carries any label. */
export const hasLabels = (p: PacketResult): boolean =>
  Boolean(p.secmark || p.ctsecmark) ||
  p.steps.some(
    (s) =>
      s.kind === 'secmark' ||
      ((s.kind === 'rule' || s.kind === 'policy' || s.kind === 'conntrack') && (s.secmark || s.ctsecmark)),
  );

/**
 * The packet's and the connection's labels after step j: rule, policy and conntrack steps carry both; a secmark
 * step changes the one it is about; route and tc steps keep what the step before them left.
 */
export function labelsAfter(steps: readonly TraceStep[], j: number): StepLabels {
  let secmark: string | undefined;
  let ctsecmark: string | undefined;
  for (const s of steps.slice(0, j + 1)) {
    if (s.kind === 'rule' || s.kind === 'policy' || s.kind === 'conntrack') {
      secmark = s.secmark;
      ctsecmark = s.ctsecmark;
    } else if (s.kind === 'secmark') {
      if (s.space === 'meta') secmark = s.after ?? undefined;
      else ctsecmark = s.after ?? undefined;
    }
  }
  return { ...(secmark !== undefined && { secmark }), ...(ctsecmark !== undefined && { ctsecmark }) };
}
