import { shiftBy } from './algebra';
import type { MarkSpace, MarkWrite } from './algebra-types';
import { hex8, U32_MAX, u32 } from './u32';

// nft mark arithmetic. nft 1.0.6 turns every expression into a chain of kernel bitwise operations on one
// register: runs of constant `&`/`|`/`^` fold into one `dreg = (sreg & mask) ^ xor`, shifts stay separate.
// `nft list` prints the chain back (netlink_delinearize), widening masks; we do both directions here.

export type NftBinaryOp = '&' | '|' | '^' | '<<' | '>>';

/** A value expression on marks as nft's grammar builds it (C precedence: shifts, then &, ^, |). */
export type NftValueExpr =
  | { readonly kind: 'const'; readonly value: number }
  | { readonly kind: 'mark'; readonly space: MarkSpace }
  | {
      readonly kind: 'binop';
      readonly op: NftBinaryOp;
      readonly left: NftValueExpr;
      readonly right: NftValueExpr;
    };

/** One kernel bitwise operation: `(x & mask) ^ xor`, or a shift (by > 0 left, by < 0 right). */
export type NftBitwiseOp =
  | { readonly kind: 'maskXor'; readonly mask: number; readonly xor: number }
  | { readonly kind: 'shift'; readonly by: number };

/** What nft 1.0.6 sends to the kernel: a constant, or a mark put through bitwise operations. */
export type NftLinear =
  | { readonly kind: 'const'; readonly value: number }
  | { readonly kind: 'chain'; readonly space: MarkSpace; readonly ops: readonly NftBitwiseOp[] };

/** nft refused the expression; the message is nft's own wording. */
export class NftExprError extends Error {
  override readonly name = 'NftExprError';
}

export const markConst = (value: number): NftValueExpr => ({ kind: 'const', value: u32(value) });
export const markRef = (space: MarkSpace): NftValueExpr => ({ kind: 'mark', space });
export const binop = (op: NftBinaryOp, left: NftValueExpr, right: NftValueExpr): NftValueExpr => ({
  kind: 'binop',
  op,
  left,
  right,
});

function constOp(op: NftBinaryOp, a: number, b: number): number {
  switch (op) {
    case '&':
      return u32(a & b);
    case '|':
      return u32(a | b);
    case '^':
      return u32(a ^ b);
    default:
      // nft 1.0.6 crashes evaluating a shift of two constants ("BUG: invalid basetype"); refuse it plainly.
      throw new NftExprError(`Shift of a constant is not supported (${a} ${op} ${b})`);
  }
}

const isIdentity = (op: NftBitwiseOp): boolean =>
  op.kind === 'maskXor' && op.mask === U32_MAX && op.xor === 0;

function appendOp(ops: NftBitwiseOp[], op: NftBitwiseOp): NftBitwiseOp[] {
  const last = ops[ops.length - 1];
  let next = op;
  let head = ops;
  if (last && last.kind === 'maskXor' && op.kind === 'maskXor') {
    head = ops.slice(0, -1);
    next = { kind: 'maskXor', mask: u32(last.mask & op.mask), xor: u32((last.xor & op.mask) ^ op.xor) };
  }
  return isIdentity(next) ? head : [...head, next];
}

/** Lower an expression the way nft 1.0.6 does, or throw NftExprError with nft's message. */
export function linearize(expr: NftValueExpr): NftLinear {
  if (expr.kind === 'const') return { kind: 'const', value: u32(expr.value) };
  if (expr.kind === 'mark') return { kind: 'chain', space: expr.space, ops: [] };
  const left = linearize(expr.left);
  const right = linearize(expr.right);
  if (right.kind !== 'const') {
    throw new NftExprError(`Right hand side of binary operation (${expr.op}) must be constant`);
  }
  if (left.kind === 'const') return { kind: 'const', value: constOp(expr.op, left.value, right.value) };
  const c = right.value;
  let op: NftBitwiseOp;
  if (expr.op === '<<' || expr.op === '>>') {
    if (c >= 32) {
      const side = expr.op === '<<' ? 'Left' : 'Right';
      throw new NftExprError(`${side} shift of ${c} bits is undefined for type of 32 bits width`);
    }
    if (c === 0) throw new NftExprError('Could not process rule: Invalid argument');
    op = { kind: 'shift', by: expr.op === '<<' ? c : -c };
  } else if (expr.op === '&') op = { kind: 'maskXor', mask: c, xor: 0 };
  else if (expr.op === '|') op = { kind: 'maskXor', mask: u32(~c), xor: c };
  else op = { kind: 'maskXor', mask: U32_MAX, xor: c };
  return { kind: 'chain', space: left.space, ops: appendOp([...left.ops], op) };
}

// ---- Printing as `nft list` does ------------------------------------------------------------------

/** `meta mark` / `ct mark`. */
export const markName = (space: MarkSpace): string => (space === 'meta' ? 'meta mark' : 'ct mark');

/**
 * Print a bitwise chain on `base` as nft 1.0.6 prints it: XOR bits outside the mask become an OR and widen
 * the mask (`& 0xffff00ff ^ 0x100` prints `& 0xffff01ff | 0x00000100`); `^` is printed before `|`.
 */
export function printChain(base: string, ops: readonly NftBitwiseOp[], keyContext = false): string {
  let text = base;
  let bitwiseOnTop = false;
  let shifted = false;
  // As a match or map key, a shifted mark is a plain integer: newer nft prints its constants unpadded.
  const num = (n: number): string => (keyContext && shifted ? `0x${n.toString(16)}` : hex8(n));
  for (const op of ops) {
    if (op.kind === 'shift') {
      if (bitwiseOnTop) text = `(${text})`;
      text += op.by > 0 ? ` << ${op.by}` : ` >> ${-op.by}`;
      bitwiseOnTop = false;
      shifted = true;
      continue;
    }
    const orBits = u32(op.xor & ~op.mask);
    const xorBits = u32(op.xor & op.mask);
    const mask = u32(op.mask | orBits);
    if (mask !== U32_MAX) text += ` & ${num(mask)}`;
    if (xorBits) text += ` ^ ${num(xorBits)}`;
    if (orBits) text += ` | ${num(orBits)}`;
    bitwiseOnTop = true;
  }
  return text;
}

export function printLinear(lin: NftLinear, keyContext = false): string {
  return lin.kind === 'const' ? hex8(lin.value) : printChain(markName(lin.space), lin.ops, keyContext);
}

// ---- Meaning: folding to the mark algebra -----------------------------------------------------------

/** `shift(space & take)`, take normalised to the bits that survive the shift. */
interface Term {
  readonly space: MarkSpace;
  readonly take: number;
  readonly shift: number;
}

/** An affine bitwise value: XOR of shifted, masked marks, XOR a constant. */
export interface FoldedValue {
  readonly terms: readonly Term[];
  readonly xor: number;
}

/** Source bits that are still inside 32 bits after the shift. */
const survivors = (shift: number): number => shiftBy(U32_MAX, -shift);

function normaliseTerms(terms: readonly Term[]): Term[] {
  const out: Term[] = [];
  for (const t of terms) {
    const take = Math.abs(t.shift) >= 32 ? 0 : u32(t.take & survivors(t.shift));
    const same = out.findIndex((o) => o.space === t.space && o.shift === t.shift);
    if (same >= 0) {
      const merged = out[same]!;
      out[same] = { ...merged, take: u32(merged.take ^ take) };
    } else out.push({ space: t.space, take, shift: t.shift });
  }
  return out.filter((t) => t.take !== 0);
}

const possibleBits = (v: FoldedValue): number =>
  v.terms.reduce((acc, t) => u32(acc | shiftBy(t.take, t.shift)), v.xor);

function andConst(v: FoldedValue, c: number): FoldedValue {
  return {
    terms: normaliseTerms(v.terms.map((t) => ({ ...t, take: u32(t.take & shiftBy(c, -t.shift)) }))),
    xor: u32(v.xor & c),
  };
}

function shiftValue(v: FoldedValue, by: number): FoldedValue {
  const terms = v.terms.map((t) => {
    // Bits that survive the second shift, seen at the term's source position.
    const keep = shiftBy(shiftBy(shiftBy(t.take, t.shift), by), -(t.shift + by));
    return { space: t.space, take: u32(t.take & keep), shift: t.shift + by };
  });
  return { terms: normaliseTerms(terms), xor: shiftBy(v.xor, by) };
}

/**
 * The meaning of an expression as one affine value. Two-register forms (nft >= 1.1.2) are folded when they are
 * representable (`|` of values with disjoint bits, `^` of anything); otherwise NftExprError.
 */
export function foldValue(expr: NftValueExpr): FoldedValue {
  if (expr.kind === 'const') return { terms: [], xor: u32(expr.value) };
  if (expr.kind === 'mark') return { terms: [{ space: expr.space, take: U32_MAX, shift: 0 }], xor: 0 };
  const a = foldValue(expr.left);
  const b = foldValue(expr.right);
  const bConst = b.terms.length === 0;
  const aConst = a.terms.length === 0;
  switch (expr.op) {
    case '<<':
    case '>>': {
      if (!bConst) throw new NftExprError(`Shift amount must be constant`);
      if (b.xor >= 32)
        throw new NftExprError(`Shift of ${b.xor} bits is undefined for type of 32 bits width`);
      return shiftValue(a, expr.op === '<<' ? b.xor : -b.xor);
    }
    case '&':
      if (bConst) return andConst(a, b.xor);
      if (aConst) return andConst(b, a.xor);
      throw new NftExprError('AND of two marks is not one mark operation');
    case '^':
      return { terms: normaliseTerms([...a.terms, ...b.terms]), xor: u32(a.xor ^ b.xor) };
    case '|': {
      if (bConst) return { ...andConst(a, u32(~b.xor)), xor: u32((a.xor & ~b.xor) | b.xor) };
      if (aConst) return { ...andConst(b, u32(~a.xor)), xor: u32((b.xor & ~a.xor) | a.xor) };
      if (possibleBits(a) & possibleBits(b)) {
        throw new NftExprError('OR of two marks with overlapping bits is not one mark operation');
      }
      return { terms: normaliseTerms([...a.terms, ...b.terms]), xor: u32(a.xor ^ b.xor) };
    }
  }
}

/** The MarkWrite for `dst set <expr>`, or NftExprError when the value is not one mark operation. */
export function foldToWrite(dst: MarkSpace, expr: NftValueExpr): MarkWrite {
  return valueToWrite(dst, foldValue(expr));
}

export function valueToWrite(dst: MarkSpace, value: FoldedValue): MarkWrite {
  let keep = 0;
  const others: Term[] = [];
  for (const t of value.terms) {
    if (t.space === dst && t.shift === 0) keep = t.take;
    else others.push(t);
  }
  if (others.length > 1) throw new NftExprError('value mixes more than one shifted mark source');
  const src = others[0];
  return {
    dst,
    keep: u32(keep),
    src: src ? { space: src.space, take: u32(src.take), shift: src.shift } : null,
    xor: u32(value.xor),
  };
}

/** The bitwise chain nft needs for `shift(space & take) ^ xor` from one register. */
function sourceChain(space: MarkSpace, take: number, shift: number, xor: number): NftLinear {
  const full = survivors(shift);
  const ops: NftBitwiseOp[] = [];
  const t = u32(take & full);
  if (shift === 0) {
    if (t !== U32_MAX || xor !== 0) ops.push({ kind: 'maskXor', mask: t, xor: u32(xor) });
    return { kind: 'chain', space, ops };
  }
  if (t !== full) ops.push({ kind: 'maskXor', mask: t, xor: 0 });
  ops.push({ kind: 'shift', by: shift });
  if (xor !== 0) ops.push({ kind: 'maskXor', mask: U32_MAX, xor: u32(xor) });
  return { kind: 'chain', space, ops };
}

/** A write with its source reduced: bits shifted out dropped, an unshifted read of dst merged into keep. */
export function normalWrite(write: MarkWrite): { keep: number; src: MarkWrite['src'] } {
  const take = write.src ? u32(write.src.take & survivors(write.src.shift)) : 0;
  if (!write.src || take === 0) return { keep: write.keep, src: null };
  if (write.src.space === write.dst && write.src.shift === 0)
    return { keep: u32(write.keep ^ take), src: null };
  return { keep: write.keep, src: { ...write.src, take } };
}

/**
 * The canonical nft value text for a write, as `nft list` prints it. Writes that need two registers
 * (`ct mark set ct mark & K | meta mark & T`, nft >= 1.1.2) print in that form.
 */
export function printWriteValue(write: MarkWrite): string {
  const { dst, xor } = write;
  const { keep, src } = normalWrite(write);
  if (!src) {
    if (keep === 0) return hex8(xor);
    return printLinear(sourceChain(dst, keep, 0, xor));
  }
  if (keep === 0) return printLinear(sourceChain(src.space, src.take, src.shift, xor));
  const own = printChain(markName(dst), keep === U32_MAX ? [] : [{ kind: 'maskXor', mask: keep, xor: 0 }]);
  const other = printLinear(sourceChain(src.space, src.take, src.shift, 0));
  // `|` binds looser than `^`, so it is only used when nothing follows.
  const disjoint = (keep & shiftBy(src.take, src.shift)) === 0 && xor === 0;
  const joined = `${own} ${disjoint ? '|' : '^'} ${src.shift !== 0 ? `(${other})` : other}`;
  return xor ? `${joined} ^ ${hex8(xor)}` : joined;
}

/** True when nft 1.0.6 can load the write as one rule (no second register). */
export const fitsOneRegister = (write: MarkWrite): boolean =>
  !write.src || write.src.take === 0 || write.keep === 0;

/** The expression tree `nft list` would print for a bitwise chain (same widening as printChain). */
export function chainToExpr(base: NftValueExpr, ops: readonly NftBitwiseOp[]): NftValueExpr {
  let acc = base;
  for (const op of ops) {
    if (op.kind === 'shift') {
      acc = binop(op.by > 0 ? '<<' : '>>', acc, markConst(Math.abs(op.by)));
      continue;
    }
    const orBits = u32(op.xor & ~op.mask);
    const xorBits = u32(op.xor & op.mask);
    const mask = u32(op.mask | orBits);
    if (mask !== U32_MAX) acc = binop('&', acc, markConst(mask));
    if (xorBits) acc = binop('^', acc, markConst(xorBits));
    if (orBits) acc = binop('|', acc, markConst(orBits));
  }
  return acc;
}

const linearToExpr = (lin: NftLinear): NftValueExpr =>
  lin.kind === 'const' ? markConst(lin.value) : chainToExpr(markRef(lin.space), lin.ops);

/** The canonical value expression of a write (the tree printWriteValue prints), e.g. for nft JSON. */
export function writeToValueExpr(write: MarkWrite): NftValueExpr {
  const { dst, xor } = write;
  const { keep, src } = normalWrite(write);
  if (!src) return keep === 0 ? markConst(xor) : linearToExpr(sourceChain(dst, keep, 0, xor));
  if (keep === 0) return linearToExpr(sourceChain(src.space, src.take, src.shift, xor));
  const own = keep === U32_MAX ? markRef(dst) : binop('&', markRef(dst), markConst(keep));
  const other = linearToExpr(sourceChain(src.space, src.take, src.shift, 0));
  const disjoint = (keep & shiftBy(src.take, src.shift)) === 0 && xor === 0;
  const joined = binop(disjoint ? '|' : '^', own, other);
  return xor ? binop('^', joined, markConst(xor)) : joined;
}
