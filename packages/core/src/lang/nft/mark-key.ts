import { shiftBy } from '../../bits/algebra';
import { linearize, NftExprError, type NftValueExpr } from '../../bits/nft-ops';
import { U32_MAX, u32 } from '../../bits/u32';
import type { MarkKey } from '../../ir/types';

/**
 * `(space & mask) shift` for a match or map key (`meta mark & 0xff00 >> 8`), or null when the expression is
 * not a masked, shifted mark (an XOR, a constant, two marks).
 */
export function markKeyOf(e: NftValueExpr): MarkKey | null {
  let lin: ReturnType<typeof linearize>;
  try {
    lin = linearize(e);
  } catch (err) {
    if (err instanceof NftExprError) return null;
    throw err;
  }
  if (lin.kind !== 'chain') return null;
  let mask = U32_MAX;
  let shift = 0;
  for (const op of lin.ops) {
    if (op.kind === 'maskXor') {
      if (op.xor !== 0) return null;
      // The op's mask applies to the shifted value: bring it back to source bit positions.
      mask = u32(mask & shiftBy(op.mask, -shift));
    } else {
      const next = shift + op.by;
      mask = u32(mask & shiftBy(shiftBy(shiftBy(U32_MAX, shift), op.by), -next));
      shift = next;
    }
    mask = Math.abs(shift) >= 32 ? 0 : u32(mask & shiftBy(U32_MAX, -shift));
  }
  return { space: lin.space, mask, shift };
}
