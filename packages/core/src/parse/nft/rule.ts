import {
  chainToExpr,
  foldValue,
  linearize,
  markRef,
  NftExprError,
  type NftLinear,
  type NftValueExpr,
  printLinear,
} from '../../bits/nft-ops';
import { hex8, U32_MAX, u32 } from '../../bits/u32';
import { emitNftExpr } from '../../emit/nft/rule';
import type { Family, OpaqueExpr, Rule, RuleExpr, Verdict } from '../../ir/types';
import { applyPayloadDependencies } from './dependencies';
import { type Expr, exprText, isRelational, mentionsMark, parseExpr } from './expr';
import { TokenStream, tokenize } from './lexer';
import { lowerMap, lowerMatch, lowerVmap } from './lower';
import { beginRefusals, firstRefusal, markDatatypeMismatch, refuse } from './refusals';
import { mapRhsKeys, markValueText, parseRhs, rhsKeys, sortRhs } from './rhs';
import { canonicalPrefix, u32Value } from './values';

export { markKeyOf } from './mark-key';

/** A parsed rule: the IR plus each item's text exactly as `nft list` prints it. */
export interface ParsedRule {
  readonly rule: Rule;
  readonly canonical: string;
  /** Set when nft 1.0.6 refuses the rule (newer nft accepts it): nft's message. */
  readonly refusal?: string;
}

const VERDICTS = new Set(['accept', 'drop', 'return', 'continue']);
/** Keywords that start a new statement: an opaque construct ends before them. */
const STOPS = new Set([
  'counter',
  'log',
  'comment',
  'accept',
  'drop',
  'reject',
  'return',
  'continue',
  'jump',
  'goto',
  'queue',
  'snat',
  'dnat',
  'masquerade',
  'redirect',
  'meta',
  'mark',
  'ct',
  'iifname',
  'oifname',
  'iif',
  'oif',
  'tcp',
  'udp',
  'th',
  'notrack',
  'limit',
  'quota',
  'ip',
  'ip6',
]);
const NAT = new Set(['snat', 'dnat', 'masquerade', 'redirect']);
const OPAQUE_STATEMENTS = new Set([
  'notrack',
  'limit',
  'quota',
  'dup',
  'fwd',
  'tproxy',
  'synproxy',
  'flow',
  'set',
  'update',
  'add',
  'delete',
  'xt',
  'last',
]);

const opaque = (text: string, role: 'match' | 'statement', reads: boolean, writes: boolean): OpaqueExpr => ({
  kind: 'opaque',
  text,
  role,
  readsMark: reads,
  writesMark: writes,
});

/** Parse a rule body (what follows `nft add rule FAMILY TABLE CHAIN`). */
export function parseNftRuleBody(body: string, context: { family?: Family } = {}): Rule {
  return parseNftRuleDetailed(body, context).rule;
}

export function parseNftRuleDetailed(body: string, _context: { family?: Family } = {}): ParsedRule {
  const tokens = tokenize(body, 'rule').filter((t) => t.kind !== 'newline');
  return parseRuleTokens(new TokenStream(tokens, body, 'rule'));
}

/** Consume tokens of an unmodelled construct up to the next statement keyword (outside braces). */
function skipOpaque(ts: TokenStream, start: number): string {
  let depth = 0;
  while (!ts.atEnd()) {
    const t = ts.peek()!;
    if (t.text === '{' || t.text === '(') depth++;
    else if (t.text === '}' || t.text === ')') depth--;
    else if (depth === 0 && ts.index > start && t.kind === 'word' && STOPS.has(t.text)) {
      const prev = ts.tokens[ts.index - 1]!.text;
      const argOfPrev =
        (t.text === 'ip' || t.text === 'ip6') && (NAT.has(prev) || prev === 'tproxy' || prev === 'dup');
      if (!argOfPrev) break;
    }
    ts.index++;
  }
  return ts.slice(start);
}

export function parseRuleTokens(ts: TokenStream): ParsedRule {
  beginRefusals();
  const exprs: RuleExpr[] = [];
  const canon: string[] = [];
  let comment: string | undefined;
  let counters: { packets: number; bytes: number } | undefined;
  const push = (e: RuleExpr, text = emitNftExpr(e)) => {
    exprs.push(e);
    canon.push(text);
  };
  while (!ts.atEnd()) {
    const start = ts.index;
    const t = ts.peek()!;
    const w = t.kind === 'word' ? t.text : '';
    if (t.kind === 'punct' && t.text === ';') {
      ts.index++;
      continue;
    }
    if (VERDICTS.has(w)) {
      ts.index++;
      push({ kind: 'verdict', verdict: { kind: w } as Verdict });
    } else if ((w === 'jump' || w === 'goto') && ts.is('{', 1)) {
      push(opaque(anonymousChain(ts, start), 'statement', true, true));
    } else if (w === 'jump' || w === 'goto') {
      ts.index++;
      push({ kind: 'verdict', verdict: { kind: w, target: ts.word('a chain name') } });
    } else if (w === 'comment') {
      ts.index++;
      const c = ts.next('a comment string');
      comment = c.text;
    } else if (w === 'counter') {
      ts.index++;
      if (ts.accept('name')) {
        const keyAt = ts.index;
        const key = parseExpr(ts);
        const lin = markLinear(key, ts, keyAt);
        const keyText = lin ? printLinear(lin, true) : exprText(key);
        const text = ts.accept('map')
          ? `counter name ${keyText} map ${parseRhs(ts, true).text}`
          : `counter name ${keyText}`;
        push(opaque(text, 'statement', /\bmark\b/.test(text), false));
        continue;
      }
      if (ts.accept('packets')) {
        const packets = Number(ts.word('a packet count'));
        ts.expect('bytes');
        counters = { packets, bytes: Number(ts.word('a byte count')) };
      }
      // `nft list` shows the counter's values (zero for a new rule).
      push({ kind: 'counter' }, `counter packets ${counters?.packets ?? 0} bytes ${counters?.bytes ?? 0}`);
    } else if (w === 'log') push(parseLog(ts, start));
    else if (w === 'reject') {
      ts.index++;
      if (ts.accept('with')) {
        const from = ts.index;
        skipOpaque(ts, from);
        push({ kind: 'verdict', verdict: canonicalReject(ts.slice(from)) });
      } else push({ kind: 'verdict', verdict: { kind: 'reject' } });
    } else if (w === 'queue') push(parseQueue(ts, start));
    else if (NAT.has(w)) {
      ts.index++;
      const { text, target, plain } = parseTargetStatement(ts, start, NAT_FLAGS);
      if (plain) push({ kind: 'nat', type: w as 'snat', text, ...(target ? { to: target } : {}) });
      else push(opaque(text, 'statement', /\bmark\b/.test(text), false));
    } else if (w === 'dup' || w === 'fwd' || w === 'tproxy') {
      ts.index++;
      const { text } = parseTargetStatement(ts, start, new Set(['device']));
      push(opaque(text, 'statement', /\bmark\b/.test(text), false));
    } else if (
      OPAQUE_STATEMENTS.has(w) ||
      (w === 'ct' && ['helper', 'timeout', 'expectation', 'count'].includes(ts.peek(1)?.text ?? ''))
    ) {
      ts.index++;
      push(opaque(skipOpaque(ts, start), 'statement', false, false));
    } else parseExprItem(ts, start, push);
  }
  const deps = applyPayloadDependencies(exprs);
  if (deps.dropped.size || deps.changed.size) {
    const texts = canon.map((t, i) => (deps.changed.has(i) ? emitNftExpr(deps.retyped[i]!) : t));
    exprs.splice(0, exprs.length, ...deps.exprs);
    canon.splice(0, canon.length, ...texts.filter((_, i) => !deps.dropped.has(i)));
  }
  const rule: Rule = {
    exprs,
    ...(comment !== undefined ? { comment } : {}),
    ...(counters ? { counters } : {}),
  };
  if (comment !== undefined) canon.push(`comment "${comment}"`);
  const refusal = firstRefusal();
  return { rule, canonical: canon.join(' '), ...(refusal ? { refusal } : {}) };
}

/** `jump { rule; rule }`: an anonymous chain, kept whole (it may touch marks, so flagged both ways). */
function anonymousChain(ts: TokenStream, start: number): string {
  ts.index++;
  const open = ts.next('`{`');
  let depth = 1;
  let close = open;
  while (depth > 0) {
    close = ts.next('`}`');
    if (close.kind === 'punct' && close.text === '{') depth++;
    if (close.kind === 'punct' && close.text === '}') depth--;
  }
  const inner = ts.text
    .slice(open.offset + 1, close.offset)
    .split(/[\n;]/)
    .map((l) => l.trim())
    .filter(Boolean);
  return anonymousChainText(ts.tokens[start]!.text, inner);
}

const NAT_FLAGS = new Set(['random', 'fully-random', 'persistent', 'netmap', 'prefix']);

/**
 * `[ip|ip6] [to] EXPR [map {...}] [flags]` of nat, dup, fwd and tproxy. `plain` is false when the target is
 * computed (a map or a selector) rather than an address/port literal.
 */
function parseTargetStatement(ts: TokenStream, start: number, flags: ReadonlySet<string>) {
  if (ts.is('ip') || ts.is('ip6')) ts.index++;
  let target: string | undefined;
  let plain = true;
  if (ts.accept('to')) {
    const from = ts.index;
    const e = parseExpr(ts);
    if (ts.accept('map')) {
      parseRhs(ts, true);
      plain = false;
    } else if (e.kind !== 'other' || e.selector) plain = false;
    target = ts.slice(from);
  }
  while (!ts.atEnd() && ts.peek()!.kind === 'word' && flags.has(ts.peek()!.text)) {
    const f = ts.word('a flag');
    if (f === 'device') parseExpr(ts);
    while (ts.accept(',')) ts.word('a flag');
  }
  return { text: ts.slice(start), target, plain };
}

/** `jump { a; b; }`: nft needs the separator before the closing brace. */
export const anonymousChainText = (verb: string, rules: readonly string[]): string =>
  `${verb} { ${rules.map((r) => `${r}; `).join('')}}`;

/**
 * `reject with icmp type host-unreachable` lists as `reject with icmp host-unreachable`; `icmpx
 * port-unreachable` is the default and lists as plain `reject`.
 */
export function canonicalReject(withText: string): Verdict {
  const w = withText.replace(/^(icmpx|icmpv6|icmp) type /, '$1 ');
  return w === 'icmpx port-unreachable' ? { kind: 'reject' } : { kind: 'reject', with: w };
}

function parseLog(ts: TokenStream, start: number): RuleExpr {
  ts.index++;
  let prefix: string | undefined;
  let group: number | undefined;
  let other = false;
  while (!ts.atEnd() && !(ts.peek()!.kind === 'word' && STOPS.has(ts.peek()!.text))) {
    const key = ts.word('a log option');
    if (key === 'prefix') prefix = ts.next('a prefix string').text;
    else if (key === 'group') group = Number(ts.word('a group number'));
    else {
      other = true;
      if (!ts.atEnd() && !STOPS.has(ts.peek()!.text)) ts.index++;
    }
  }
  if (other) return opaque(ts.slice(start), 'statement', false, false);
  return {
    kind: 'log',
    ...(prefix !== undefined ? { prefix } : {}),
    ...(group !== undefined ? { group } : {}),
  };
}

function parseQueue(ts: TokenStream, start: number): RuleExpr {
  ts.index++;
  let num: number | undefined;
  let bypass = false;
  let plain = true;
  while (!ts.atEnd() && !(ts.peek()!.kind === 'word' && STOPS.has(ts.peek()!.text))) {
    const key = ts.word('a queue option');
    if (key === 'num' || key === 'to') {
      const e = parseExpr(ts);
      if (e.kind === 'const') num = e.value;
      else plain = false;
    } else if (key === 'bypass') bypass = true;
    else if (key === 'flags') {
      do {
        const f = ts.word('a queue flag');
        if (f === 'bypass') bypass = true;
        else plain = false;
      } while (ts.accept(','));
    } else plain = false;
  }
  if (!plain) return opaque(ts.slice(start), 'statement', false, false);
  return {
    kind: 'verdict',
    verdict: { kind: 'queue', ...(num !== undefined ? { num } : {}), ...(bypass ? { bypass } : {}) },
  };
}

/** The mark (and chain) an expression reads when it is mark arithmetic, else null. */
function markLinear(e: Expr, ts: TokenStream, at: number) {
  if (e.kind === 'other' || e.kind === 'const') return null;
  try {
    return linearize(e);
  } catch (err) {
    if (!(err instanceof NftExprError)) throw err;
    // Forms newer nft accepts (two registers) still parse; normalize reports the refusal as nft 1.0.6 does.
    if (/must be constant/.test(err.message)) {
      refuse(err.message);
      return null;
    }
    return ts.fail(`an expression nft accepts: ${err.message}`, at);
  }
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

function parseExprItem(ts: TokenStream, start: number, push: (e: RuleExpr, text?: string) => void): void {
  const lhs = parseExpr(ts);
  const lin = markLinear(lhs, ts, start);
  if (lhs.kind === 'const') ts.fail('a selector (a constant cannot be matched)', start);
  if (ts.accept('set')) {
    parseSet(ts, start, lhs, push);
    return;
  }
  if (ts.accept('vmap')) {
    const data = sortRhs(parseRhs(ts, true, lin !== null));
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
  } else if (lhs.kind === 'other' && /^ip6? (saddr|daddr)$/.test(lhs.text)) {
    rhs = mapRhsKeys(rhs, canonicalPrefix);
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
  const explicit =
    op !== '' && op !== '=='
      ? op
      : lhsLin && lhsLin.kind === 'chain' && lhsLin.ops.length > 0 && !hasRange
        ? '=='
        : '';
  const text = explicit ? `${lhsText} ${explicit} ${rhs.text}` : `${lhsText} ${rhs.text}`;
  const ir = lowerMatch(lhsExpr, op || '==', rhsForIr, ts, start);
  push(ir ?? opaque(text, 'match', mentionsMark(lhs), false), text);
}

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
    const data = sortRhs(
      parseRhs(ts, true, keyLin !== null, dst ? { value: (w, at) => markValueText(w, ts, at) } : {}),
    );
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
