import type { LiveTraceStep, PacketResult, TracedPacket, TraceStep } from '@markwright/core';

/** A step as the two paths can be compared: where a rule acted and the marks it left. */
const key = (s: TraceStep): string | null =>
  s.kind === 'rule' && s.matched ? `${s.table} ${s.chain} ${s.markAfter} ${s.ctmarkAfter}` : null;

/**
 * The first step where the live path and the simulated one part: indexes into each one's `steps` (null when that
 * path has no step there), or null when they agree. Only rules that acted are compared: the kernel reports those.
 */
export function firstDifference(
  simulated: PacketResult,
  live: TracedPacket,
): { readonly simulated: number | null; readonly live: number | null } | null {
  const a = simulated.steps.flatMap((s, i) => (key(s) === null ? [] : [{ i, k: key(s)! }]));
  const b = live.steps.flatMap((s: LiveTraceStep, i) => (key(s) === null ? [] : [{ i, k: key(s)! }]));
  for (let n = 0; n < Math.max(a.length, b.length); n++) {
    if (a[n]?.k !== b[n]?.k) return { simulated: a[n]?.i ?? null, live: b[n]?.i ?? null };
  }
  return null;
}
