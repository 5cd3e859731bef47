import { InputError } from '../bits/errors';
import { maskOf, u32 } from '../bits/u32';

export interface AllocateOptions {
  /** Search from the high bits down instead of from bit 0 up. */
  readonly highFirst?: boolean;
  /** Refuse to fall back to scattered bits when no contiguous run of `width` free bits exists. */
  readonly contiguousOnly?: boolean;
}

/**
 * A mask of `width` bits that avoids every bit of `taken`: the first contiguous run when there is one, else
 * (unless contiguousOnly) the first free bits one by one. Null when fewer than `width` bits are free.
 */
export function allocateSlot(taken: number, width: number, options: AllocateOptions = {}): number | null {
  if (!Number.isInteger(width) || width < 1 || width > 32) {
    throw new InputError('width', width, 'must be an integer 1..32');
  }
  const busy = u32(taken);
  const offsets = Array.from({ length: 33 - width }, (_, i) => i);
  if (options.highFirst) offsets.reverse();
  for (const offset of offsets) {
    const mask = maskOf(offset, width);
    if ((mask & busy) === 0) return mask;
  }
  if (options.contiguousOnly) return null;
  const bits = Array.from({ length: 32 }, (_, i) => i).filter((i) => ((busy >>> i) & 1) === 0);
  if (bits.length < width) return null;
  const chosen = options.highFirst ? bits.slice(bits.length - width) : bits.slice(0, width);
  return u32(chosen.reduce((m, i) => m | (1 << i), 0));
}
