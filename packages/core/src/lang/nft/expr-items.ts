import {
  chainToExpr,
  foldValue,
  markRef,
  NftExprError,
  type NftLinear,
  type NftValueExpr,
  printLinear,
} from '../../bits/nft-ops';
import { hex8, U32_MAX, u32 } from '../../bits/u32';
import type { RuleExpr } from '../../ir/types';
import { type Expr, exprText, isRelational, mentionsMark, parseExpr } from './expr';
import type { TokenStream } from './lexer';
import { lowerMap, lowerMatch, lowerVmap } from './lower';
import { markDatatypeMismatch, refuse } from './refusals';
import { mapRhsKeys, markValueText, parseRhs, rhsKeys, sortRhs } from './rhs';
import { markLinear, opaque } from './rule-common';
import { hasSymbolicValues, symbolicValue } from './symbolic-values';
import { canonicalPrefix, markIntervalText, u32Value } from './values';

// Items that start with an expression: matches (`lhs [op] rhs`), `lhs set value [map ...]`, `lhs vmap {...}`.

/** `0x00000008-0x0000000f` -> `0x00000008/29` inside mark sets, as nft lists aligned intervals. */
function intervalAsPrefix(key: string): string {
  const m = /^(0x[0-9a-f]{8})-(0x[0-9a-f]{8})$/.exec(key);
  return m ? markIntervalText(Number(m[1]), Number(m[2])) : key;
}

/** The prefix length when a match is `mark & <leading-ones mask> OP value` or `mark value/32`, else null. */
function prefixOfMatch(
  lin: NftLinear | null,
  rhs: { kind: string; items?: readonly string[] },
): number | null {
  if (lin?.kind !== 'chain' || rhs.kind !== 'value' || rhs.items?.length !== 1) return null;
  const item = rhs.items[0]!;
  if (item.includes('-')) return null;
  if (lin.ops.length === 0) return item.endsWith('/32') ? 32 : null;
  const op = lin.ops[0]!;
  if (lin.ops.length !== 1 || op.kind !== 'maskXor' || op.xor !== 0 || item.includes('/')) return null;
  const len = prefixLength(op.mask);
  return len;
}

/** N when mask is N leading one bits followed by zeros (0 for 0), else null. */
function prefixLength(mask: number): number | null {
  for (let n = 0; n <= 32; n++) {
    const m = n === 0 ? 0 : (0xffffffff << (32 - n)) >>> 0;
    if (m === mask) return n;
  }
  return null;
}

/** nft 1.0.6 types a shifted mark as a plain integer and refuses it as a match or map key. */
const hasShift = (lin: NftLinear | null): boolean =>
  !!lin && lin.kind === 'chain' && lin.ops.some((op) => op.kind === 'shift');

/** nft-style text of an expression nft 1.0.6 cannot load (printed with nft's precedence, hex constants). */
function printValueExpr(e: NftValueExpr, parentPrec = 0): string {
  if (e.kind === 'const') return hex8(e.value);
  if (e.kind === 'mark') return e.space === 'meta' ? 'meta mark' : 'ct mark';
  const prec = { '|': 1, '^': 2, '&': 3, '<<': 4, '>>': 4 }[e.op];
  const text = `${printValueExpr(e.left, prec)} ${e.op} ${printValueExpr(e.right, prec + 1)}`;
  return prec < parentPrec ? `(${text})` : text;
}

export function parseExprItem(
  ts: TokenStream,
  start: number,
  push: (e: RuleExpr, text?: string) => void,
): void {
  const lhs = parseExpr(ts);
  const lin = markLinear(lhs, ts, start);
  if (lhs.kind === 'const') ts.fail('a selector (a constant cannot be matched)', start);
  if (ts.accept('set')) {
    parseSet(ts, start, lhs, push);
    return;
  }
  if (ts.accept('vmap')) {
    const parsed = sortRhs(parseRhs(ts, true, lin !== null));
    const data = lin ? mapRhsKeys(parsed, intervalAsPrefix) : parsed;
    if (hasShift(lin))
      refuse('datatype mismatch, map expects integer, mapping expression has type packet mark');
    const key = lin ? printLinear(lin, true) : exprText(lhs);
    const text = `${key} vmap ${data.text}`;
    push(lowerVmap(lhs, data, text, start, ts) ?? opaque(text, 'statement', mentionsMark(lhs), false), text);
    return;
  }
  const opTok = ts.peek();
  let op = '';
  if (opTok && opTok.kind === 'punct' && isRelational(opTok.text)) op = ts.next('').text;
  else if (opTok && opTok.kind === 'word' && isRelational(opTok.text)) op = symbolic(ts.next('').text);
  else if (
    opTok &&
    opTok.kind === 'punct' &&
    opTok.text === '!' &&
    lhs.kind === 'other' &&
    FLAG_SELECTORS.has(lhs.text)
  )
    op = ts.next('').text; // `ct state ! established,related`: none of these flags, as nft lists iptables-nft rules
  if (ts.atEnd()) ts.fail('a value to compare with');
  const iface = lhs.kind === 'other' && /^(iifname|oifname|iif|oif)$/.test(lhs.text);
  const quoteWord = (w: string) => (w.startsWith('"') || w.startsWith('@') ? w : `"${w}"`);
  const rhsAt = ts.index;
  let rhs = sortRhs(parseRhs(ts, false, false, iface ? { key: quoteWord } : {}));
  let lhsLin = lin;
  let lhsExpr: Expr = lhs;
  if (lin && lin.kind === 'chain') {
    // nft moves a trailing XOR to the constant side: `ct mark xor 0x23 == 0x11` lists as `ct mark 0x00000032`.
    const last = lin.ops[lin.ops.length - 1];
    const singles = rhsKeys(rhs).every((w) => u32Value(w) !== null) && rhs.kind !== 'ref';
    if (
      last &&
      last.kind === 'maskXor' &&
      last.xor !== 0 &&
      (last.xor & ~last.mask) === 0 &&
      singles &&
      (op === '' || op === '==' || op === '!=')
    ) {
      const ops = [...lin.ops.slice(0, -1)];
      if (last.mask !== U32_MAX) ops.push({ kind: 'maskXor', mask: last.mask, xor: 0 });
      lhsLin = { kind: 'chain', space: lin.space, ops };
      lhsExpr = chainToExpr(markRef(lin.space), ops);
      rhs = mapRhsKeys(rhs, (w) => String(u32((u32Value(w) ?? 0) ^ last.xor)));
    }
    rhs = mapRhsKeys(rhs, (w) => markValueText(w, ts, rhsAt));
    if (rhs.kind === 'set') rhs = mapRhsKeys(rhs, intervalAsPrefix);
  } else if (lhs.kind === 'other' && /^ip6? (saddr|daddr)$/.test(lhs.text)) {
    rhs = mapRhsKeys(rhs, canonicalPrefix);
  } else if (lhs.kind === 'other' && hasSymbolicValues(lhs.text)) {
    const selector = lhs.text;
    rhs = mapRhsKeys(rhs, (w) => symbolicValue(selector, w));
  }
  if (hasShift(lhsLin)) refuse('datatype mismatch, expected packet mark, expression has type integer');
  // nft 1.0.6 lists `x & <prefix mask> OP v` as `x OP v/len` (v as written), `x v/32` as `x v`.
  const rhsForIr = rhs;
  const prefixLen = prefixOfMatch(lhsLin, rhs);
  if (prefixLen !== null && lhsLin && lhsLin.kind === 'chain') {
    lhsLin = { ...lhsLin, ops: [] };
    if (rhs.kind === 'value') {
      const item = rhs.items[0]!;
      const v = item.includes('/') ? item.split('/')[0]! : item;
      rhs = {
        kind: 'value',
        items: [prefixLen === 32 ? v : `${v}/${prefixLen}`],
        text: prefixLen === 32 ? v : `${v}/${prefixLen}`,
      };
    }
  }
  const lhsText = lhsLin ? printLinear(lhsLin, true) : exprText(lhs);
  // `==` is printed after a binary operation, except before ranges (nft lists those with an implicit op).
  const hasRange = rhsKeys(rhs).some((k) => /^0x[0-9a-f]+-0x/.test(k));
  const lhsIsBinop = lhsLin
    ? lhsLin.kind === 'chain' && lhsLin.ops.length > 0
    : lhs.kind === 'other' && / (&|\||\^|<<|>>) /.test(lhs.text);
  const explicit = op !== '' && op !== '==' ? op : lhsIsBinop && !hasRange ? '==' : '';
  const text = explicit ? `${lhsText} ${explicit} ${rhs.text}` : `${lhsText} ${rhs.text}`;
  // A conntrack state is exactly one flag, so "none of them" is "not one of them".
  const ir = lowerMatch(lhsExpr, op === '!' ? '!=' : op || '==', rhsForIr, ts, start);
  push(ir ?? opaque(text, 'match', mentionsMark(lhs), false), text);
}

/** Bitmask selectors that take `!` (none of the flags). */
const FLAG_SELECTORS = new Set(['ct state', 'ct status', 'tcp flags', 'ct event']);

const symbolic = (w: string): string =>
  ({ eq: '==', ne: '!=', lt: '<', gt: '>', le: '<=', ge: '>=' })[w] ?? w;

function parseSet(
  ts: TokenStream,
  start: number,
  lhs: Expr,
  push: (e: RuleExpr, text?: string) => void,
): void {
  const lhsText = exprText(lhs);
  const dst = lhs.kind === 'mark' ? lhs.space : null;
  if (lhs.kind !== 'mark' && lhs.kind !== 'other') ts.fail('a mark or selector before `set`', start);
  const valueStart = ts.index;
  const value = parseExpr(ts);
  if (ts.accept('map')) {
    const keyLin = markLinear(value, ts, valueStart);
    const parsed = sortRhs(
      parseRhs(ts, true, keyLin !== null, dst ? { value: (w, at) => markValueText(w, ts, at) } : {}),
    );
    const data = keyLin ? mapRhsKeys(parsed, intervalAsPrefix) : parsed;
    if (hasShift(keyLin))
      refuse('datatype mismatch, map expects integer, mapping expression has type packet mark');
    const text = `${lhsText} set ${keyLin ? printLinear(keyLin, true) : exprText(value)} map ${data.text}`;
    const ir = dst ? lowerMap(dst, value, data, ts, valueStart) : null;
    push(ir ?? opaque(text, 'statement', mentionsMark(value), dst !== null), text);
    return;
  }
  if (lhsText === 'meta secmark' || lhsText === 'ct secmark') {
    const space = lhsText === 'meta secmark' ? 'meta' : 'ct';
    const v = exprText(value);
    if (v === 'ct secmark' || v === 'meta secmark') {
      if (v.startsWith(space)) ts.fail(`the other secmark (not ${v})`, valueStart);
      push({ kind: 'secmarkCopy', dst: space, mode: 'copy' });
    } else if (v.startsWith('"')) push({ kind: 'secmarkSet', dst: space, label: v.slice(1, -1) });
    else push(opaque(`${lhsText} set ${v}`, 'statement', false, false));
    return;
  }
  if (!dst) {
    const text = `${lhsText} set ${exprText(value)}`;
    push(opaque(text, 'statement', mentionsMark(value), false), text);
    return;
  }
  if (value.kind === 'other') {
    // A bare word is a symbol nft looks up in rt_marks; with none defined, `nft -f` says "Could not parse".
    if (!value.selector && /^[A-Za-z_][A-Za-z0-9_-]*$/.test(value.text))
      ts.fail(
        `a ${dst === 'meta' ? 'packet' : 'conntrack'} mark value ("${value.text}" is not a defined symbol)`,
        valueStart,
      );
    const mismatch = markDatatypeMismatch(value.text, dst);
    if (mismatch) refuse(mismatch);
    const text = `${lhsText} set ${value.text}`;
    push(opaque(text, 'statement', mentionsMark(value), true), text);
    return;
  }
  const lin = markLinear(value, ts, valueStart);
  const write = foldWrite(dst, value, ts, valueStart);
  push(
    { kind: 'markWrite', write },
    `${dst === 'meta' ? 'meta mark' : 'ct mark'} set ${lin ? printLinear(lin) : printValueExpr(value)}`,
  );
}

function foldWrite(dst: 'meta' | 'ct', value: NftValueExpr, ts: TokenStream, at: number) {
  try {
    const v = foldValue(value);
    let keep = 0;
    const others = v.terms.filter((t) => {
      if (t.space === dst && t.shift === 0) {
        keep = t.take;
        return false;
      }
      return true;
    });
    const src = others[0];
    if (others.length > 1) ts.fail('a value with at most one shifted mark source', at);
    return {
      dst,
      keep: u32(keep),
      src: src ? { space: src.space, take: u32(src.take), shift: src.shift } : null,
      xor: u32(v.xor),
    };
  } catch (err) {
    if (err instanceof NftExprError) ts.fail(`an expression nft accepts: ${err.message}`, at);
    throw err;
  }
}
