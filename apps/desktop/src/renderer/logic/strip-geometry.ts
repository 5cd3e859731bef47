// Where things are on a 32-cell strip drawn bit 31 (left) to bit 0 (right).

export const BITS = 32;

/** The bit under a pointer at `x` (client px) on a strip spanning `left .. left+width`; clamped to 0..31. */
export function bitAtX(x: number, left: number, width: number): number {
  if (width <= 0) return 0;
  const column = Math.floor(((x - left) / width) * BITS);
  const clamped = Math.min(BITS - 1, Math.max(0, column));
  return BITS - 1 - clamped;
}

/** The column (0 = leftmost) a bit is drawn in. */
export const columnOfBit = (bit: number): number => BITS - 1 - bit;
