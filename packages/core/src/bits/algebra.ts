import type { MarkMatch, MarkSource, MarkSpace, Marks, MarkWrite } from './algebra-types';
import { U32_MAX, u32 } from './u32';

/** `shift(x)`: left for positive, logical right for negative; shifts of 32 or more give 0 (kernel u32). */
export function shiftBy(x: number, shift: number): number {
  if (shift === 0) return u32(x);
  if (Math.abs(shift) >= 32) return 0;
  return shift > 0 ? u32(x << shift) : u32(x >>> -shift);
}

const read = (marks: Marks, space: MarkSpace): number => (space === 'meta' ? marks.meta : marks.ct);

/** The new value of `write.dst` given the marks before the write. */
export function evaluateWrite(write: MarkWrite, marks: Marks): number {
  const dst = read(marks, write.dst);
  const fromSrc = write.src ? shiftBy(read(marks, write.src.space) & write.src.take, write.src.shift) : 0;
  return u32((dst & write.keep) ^ fromSrc ^ write.xor);
}

/** Apply a write, returning new marks (the input is not changed). */
export function applyWrite(write: MarkWrite, marks: Marks): Marks {
  const value = evaluateWrite(write, marks);
  return write.dst === 'meta' ? { meta: value, ct: marks.ct } : { meta: marks.meta, ct: value };
}

export function matches(match: MarkMatch, marks: Marks): boolean {
  return (u32(read(marks, match.space) & match.mask) === u32(match.value)) !== match.invert;
}

/** A constant write `x' = (x & keep) ^ xor` (xt `--set-xmark xor/~keep`, nft `and keep xor xor`). */
export function constantWrite(dst: MarkSpace, keep: number, xor: number): MarkWrite {
  return { dst, keep: u32(keep), src: null, xor: u32(xor) };
}

/** `dst' = (dst & keep) ^ shift(src & take) ^ xor`. */
export function sourcedWrite(dst: MarkSpace, keep: number, src: MarkSource, xor = 0): MarkWrite {
  return { dst, keep: u32(keep), src: { ...src, take: u32(src.take) }, xor: u32(xor) };
}

/** The identity write on dst: changes nothing. */
export const identityWrite = (dst: MarkSpace): MarkWrite => constantWrite(dst, U32_MAX, 0);

/** True when the write replaces all 32 bits of dst with something independent of dst's old value. */
export function overwritesWholeMark(write: MarkWrite): boolean {
  if (write.keep !== 0) return false;
  // A self-sourced write still depends on dst's old bits.
  return !(write.src && write.src.space === write.dst && write.src.take !== 0);
}

/** Bits of dst that may change: bits not kept, plus bits toggled by xor. */
export function bitsWritten(write: MarkWrite): number {
  return u32(~write.keep | write.xor | (write.src ? shiftBy(write.src.take, write.src.shift) : 0));
}

/** Bits of each mark the write reads (its own kept bits are not "read" in the sense of influencing others). */
export function bitsRead(write: MarkWrite): { meta: number; ct: number } {
  const out = { meta: 0, ct: 0 };
  if (write.src) out[write.src.space] = u32(write.src.take);
  return out;
}

/**
 * Compose two constant writes to the same dst into one (`second` after `first`):
 * ((x & k1) ^ x1) & k2 ^ x2 = x & (k1 & k2) ^ ((x1 & k2) ^ x2). Returns null when either reads a mark.
 */
export function composeConstant(first: MarkWrite, second: MarkWrite): MarkWrite | null {
  if (first.src || second.src || first.dst !== second.dst) return null;
  return constantWrite(first.dst, first.keep & second.keep, (first.xor & second.keep) ^ second.xor);
}
