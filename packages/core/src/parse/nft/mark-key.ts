import { foldValue, type NftValueExpr } from '../../bits/nft-ops';
import { u32 } from '../../bits/u32';
import type { MarkKey } from '../../ir/types';

/** `(space & mask) shift` for a match or map key, or null when the expression is not that simple. */
export function markKeyOf(e: NftValueExpr): MarkKey | null {
  try {
    const v = foldValue(e);
    const term = v.terms[0];
    if (v.terms.length !== 1 || v.xor !== 0 || !term) return null;
    return { space: term.space, mask: u32(term.take), shift: term.shift };
  } catch {
    return null;
  }
}
