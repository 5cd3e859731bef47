// Outside claims on the layout's bits from the server's check: each conflict's consumer and bits, placed on
// the strip of the mark its field lives in.

import type { CheckReport } from '@markwright/core';
import { parseU32 } from '@markwright/core';
import type { DraftField } from '../logic/draft';
import type { StripClaim } from '../logic/strip-cells';

export function knownClaims(
  fields: readonly DraftField[],
  check: CheckReport | null,
): Record<'fwmark' | 'connmark', StripClaim[]> {
  const out: Record<'fwmark' | 'connmark', StripClaim[]> = { fwmark: [], connmark: [] };
  for (const c of check?.conflicts ?? []) {
    const field = fields.find((f) => f.name === c.field);
    if (!field) continue;
    let mask: number;
    try {
      mask = parseU32(c.bits, 'bits');
    } catch {
      continue;
    }
    out[field.space].push({ label: c.consumer, mask });
  }
  return out;
}
