// Outside claims on mark bits drawn under the strips: every known consumer's bits (from core's catalogue), only
// those the server's check found in conflict with the layout, one chosen consumer, or none; and the bits the
// last probe found in use on a box.

import type { CheckReport, ProbeReport } from '@markwright/core';
import { KNOWN_CONSUMERS, parseU32 } from '@markwright/core';
import type { DraftField } from '../logic/draft';
import type { StripClaim } from '../logic/strip-cells';

/** `all`, `conflicts`, `none`, or a consumer id. */
export type ClaimFilter = string;

export const CONSUMER_CHOICES: readonly { id: string; name: string }[] = KNOWN_CONSUMERS.map((c) => ({
  id: c.id,
  name: c.name,
}));

type BySpace = Record<'fwmark' | 'connmark', StripClaim[]>;

export function knownClaims(
  fields: readonly DraftField[],
  check: CheckReport | null,
  filter: ClaimFilter,
): BySpace {
  const out: BySpace = { fwmark: [], connmark: [] };
  if (filter === 'none') return out;
  if (filter === 'conflicts') {
    for (const c of check?.conflicts ?? []) {
      const field = fields.find((f) => f.name === c.field);
      const mask = maskOf(c.bits);
      if (field && mask) out[field.space].push({ label: c.consumer, mask });
    }
    return out;
  }
  for (const consumer of KNOWN_CONSUMERS) {
    if (filter !== 'all' && consumer.id !== filter) continue;
    for (const bits of consumer.bits) out[bits.space].push({ label: consumer.id, mask: bits.mask });
  }
  return out;
}

function maskOf(text: string): number | null {
  try {
    return parseU32(text, 'bits');
  } catch {
    return null;
  }
}

/** The bits a probed box's rules use, drawn as one claim per mark. */
export function probedClaims(probe: ProbeReport | null, space: 'fwmark' | 'connmark'): StripClaim[] {
  if (!probe) return [];
  const mask = maskOf(space === 'fwmark' ? probe.bitsInUse.fwmark : probe.bitsInUse.ctmark);
  return mask ? [{ label: `live on ${probe.target}`, mask }] : [];
}
