// Conflicts as the designer lists them: detected ones in full, first; catalogue-only ones folded to one line
// per consumer ("if you install Calico: shares bits 24-25").

import type { Conflict } from '@markwright/core';
import { findConsumer } from '@markwright/core';

/** Every conflict of one field with one consumer (shared bits, whole-mark overwrite, sysctl ...). */
export interface ConflictGroup {
  readonly field: string;
  readonly consumer: string;
  readonly items: readonly Conflict[];
}

/** A consumer only in the catalogue, with what would collide if it were installed. */
export interface CatalogueFold {
  readonly consumer: string;
  readonly summary: string;
  readonly groups: readonly ConflictGroup[];
}

function groupByFieldAndConsumer(conflicts: readonly Conflict[]): ConflictGroup[] {
  const groups = new Map<string, Conflict[]>();
  for (const c of conflicts) {
    const key = `${c.field}\u0000${c.consumer}`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  return [...groups.values()].map((items) => ({
    field: items[0]!.field,
    consumer: items[0]!.consumer,
    items,
  }));
}

/** Bit numbers of a mask as ranges, `24-25, 31`. */
export function bitRanges(mask: number): string {
  const out: string[] = [];
  for (let bit = 0; bit < 32; bit++) {
    if (((mask >>> bit) & 1) === 0) continue;
    let last = bit;
    while (last < 31 && ((mask >>> (last + 1)) & 1) === 1) last++;
    out.push(last === bit ? `${bit}` : `${bit}-${last}`);
    bit = last;
  }
  return out.join(', ');
}

function summarize(consumer: string, conflicts: readonly Conflict[]): string {
  const name = findConsumer(consumer)?.name ?? consumer;
  const parts: string[] = [];
  const shared = conflicts.filter((c) => c.severity === 'shares-bits');
  if (shared.length > 0) {
    const bits = shared.reduce((m, c) => (m | Number.parseInt(c.bits, 16)) >>> 0, 0);
    parts.push(`shares bits ${bitRanges(bits)}`);
  }
  if (conflicts.some((c) => c.severity === 'whole-mark-overwrite')) parts.push('overwrites the whole mark');
  if (conflicts.some((c) => c.severity === 'sysctl-side-effect')) parts.push('changes a routing sysctl');
  if (conflicts.some((c) => c.severity === 'rule-priority')) parts.push('uses the same ip rule priorities');
  if (conflicts.some((c) => c.severity === 'routing-table')) parts.push('uses the same routing table');
  if (conflicts.some((c) => c.severity === 'label-overwrite')) parts.push('labels packets too');
  return `if you install ${name}: ${parts.join('; ')}`;
}

/** Detected conflicts grouped per field and consumer; catalogue-only ones folded per consumer. */
export function conflictView(conflicts: readonly Conflict[]): {
  detected: ConflictGroup[];
  catalogue: CatalogueFold[];
} {
  const detected = groupByFieldAndConsumer(conflicts.filter((c) => c.presence === 'detected'));
  const rest = conflicts.filter((c) => c.presence !== 'detected');
  const consumers = [...new Set(rest.map((c) => c.consumer))];
  const catalogue = consumers.map((consumer) => {
    const mine = rest.filter((c) => c.consumer === consumer);
    return { consumer, summary: summarize(consumer, mine), groups: groupByFieldAndConsumer(mine) };
  });
  return { detected, catalogue };
}
