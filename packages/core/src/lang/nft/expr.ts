import type { MarkSpace } from '../../bits/algebra-types';
import type { NftBinaryOp, NftValueExpr } from '../../bits/nft-ops';
import { U32_MAX } from '../../bits/u32';
import { nftNumber, type TokenStream } from './lexer';
import { refuse } from './refusals';

// Value expressions of nft's grammar: primaries (marks, selectors, constants) combined with
// `<<`/`>>`, `&`, `^`, `|` (C precedence, keyword forms lshift/rshift/and/xor/or) and `.` concatenation.

/** A parsed expression: mark arithmetic stays structured; anything else keeps its text. */
export type Expr =
  | NftValueExpr
  /** A selector or symbol we do not model numerically (`ip saddr`, `jhash ...`, `tcp`), with its nft text. */
  | {
      readonly kind: 'other';
      readonly text: string;
      readonly selector: boolean;
      readonly mentionsMark: boolean;
    };

const OPS: Record<string, NftBinaryOp> = {
  '|': '|',
  or: '|',
  '^': '^',
  xor: '^',
  '&': '&',
  and: '&',
  '<<': '<<',
  lshift: '<<',
  '>>': '>>',
  rshift: '>>',
};

/** Keywords that take one field word after them (`ip saddr`, `tcp dport`, `meta l4proto`). */
const PROTO_SELECTORS = new Set([
  'ip',
  'ip6',
  'tcp',
  'udp',
  'udplite',
  'sctp',
  'dccp',
  'th',
  'icmp',
  'icmpv6',
  'ether',
  'vlan',
  'arp',
  'meta',
  'ah',
  'esp',
  'comp',
  'igmp',
  'rt',
  'frag',
  'dst',
  'hbh',
  'mh',
  'exthdr',
  'tunnel',
]);
/** `meta` keys usable without `meta`. */
export const SHORT_META = new Set([
  'iifname',
  'oifname',
  'iif',
  'oif',
  'iiftype',
  'oiftype',
  'skuid',
  'skgid',
  'l4proto',
  'nfproto',
  'protocol',
  'priority',
  'length',
  'pkttype',
  'cpu',
  'iifgroup',
  'oifgroup',
  'cgroup',
  'rtclassid',
  'nftrace',
  'random',
  'time',
  'day',
  'hour',
  'iifkind',
  'oifkind',
]);

/** Statement and verdict keywords: never an expression value (`meta mark set drop` is a syntax error). */
const KEYWORDS = new Set([
  'accept',
  'drop',
  'continue',
  'return',
  'jump',
  'goto',
  'queue',
  'counter',
  'log',
  'reject',
  'comment',
  'set',
  'map',
  'vmap',
]);

/** Meta keys nft prints without the `meta` keyword. */
export const UNQUALIFIED_META = new Set(['iif', 'oif', 'iifname', 'oifname', 'iifgroup', 'oifgroup']);

export interface ExprParseOptions {
  /** Stop words: the expression ends before them (e.g. `map`, `vmap`, relational words). */
  readonly defines?: ReadonlyMap<string, string>;
}

export const exprText = (e: Expr): string => (e.kind === 'other' ? e.text : renderValue(e));

function renderValue(e: NftValueExpr): string {
  if (e.kind === 'const') return String(e.value);
  if (e.kind === 'mark') return e.space === 'meta' ? 'meta mark' : 'ct mark';
  return `(${renderValue(e.left)} ${e.op} ${renderValue(e.right)})`;
}

export const mentionsMark = (e: Expr): boolean =>
  e.kind === 'mark' ||
  (e.kind === 'binop' && (mentionsMark(e.left) || mentionsMark(e.right))) ||
  (e.kind === 'other' && e.mentionsMark);

const other = (text: string, selector: boolean, mark = false): Expr => ({
  kind: 'other',
  text,
  selector,
  mentionsMark: mark,
});

function combine(op: NftBinaryOp, left: Expr, right: Expr): Expr {
  if (left.kind !== 'other' && right.kind !== 'other') return { kind: 'binop', op, left, right };
  if ((right.kind === 'other' && right.selector) || right.kind === 'mark' || right.kind === 'binop') {
    refuse(`Right hand side of binary operation (${op}) must be constant`);
  }
  const rightText =
    right.kind === 'other'
      ? exprText(right)
      : op === '<<' || op === '>>'
        ? exprText(right)
        : constText(right);
  return other(`${exprText(left)} ${op} ${rightText}`, true, mentionsMark(left) || mentionsMark(right));
}

/** Constants next to selectors print in hex as nft does for integer types (`ip dscp | 0x40`). */
function constText(e: NftValueExpr): string {
  if (e.kind === 'const') return `0x${e.value.toString(16)}`;
  return exprText(e);
}

export function parseExpr(ts: TokenStream): Expr {
  return parseLevel(ts, 0);
}

const LEVELS: readonly (readonly string[])[] = [
  ['|', 'or'],
  ['^', 'xor'],
  ['&', 'and'],
  ['<<', 'lshift', '>>', 'rshift'],
];

function parseLevel(ts: TokenStream, level: number): Expr {
  if (level === LEVELS.length) return parseConcat(ts);
  let left = parseLevel(ts, level + 1);
  for (;;) {
    const t = ts.peek();
    if (!t || t.kind === 'string' || !LEVELS[level]!.includes(t.text)) return left;
    ts.index++;
    left = combine(OPS[t.text]!, left, parseLevel(ts, level + 1));
  }
}

function parseConcat(ts: TokenStream): Expr {
  let left = parsePrimary(ts);
  while (ts.is('.')) {
    ts.index++;
    const right = parsePrimary(ts);
    left = other(`${exprText(left)} . ${exprText(right)}`, true, mentionsMark(left) || mentionsMark(right));
  }
  return left;
}

const markPrimary = (space: MarkSpace): Expr => ({ kind: 'mark', space });

/** Parse one primary expression. */
export function parsePrimary(ts: TokenStream): Expr {
  const start = ts.index;
  const t = ts.next('an expression');
  if (t.kind === 'string') return other(`"${t.text}"`, false);
  if (t.kind === 'newline') ts.fail('an expression', start);
  if (t.text === '(') {
    const inner = parseExpr(ts);
    ts.expect(')');
    return inner.kind === 'other' ? other(`(${inner.text})`, inner.selector, inner.mentionsMark) : inner;
  }
  if (t.kind === 'punct') ts.fail('an expression', start);
  const w = t.text;
  const n = nftNumber(w);
  if (n !== null) {
    if (n > U32_MAX) ts.fail(`a value in range 0-4294967295 (Value ${w} exceeds valid range)`, start);
    return { kind: 'const', value: n };
  }
  // `12abc`, `0x`, `-1`: nft's scanner splits these and the grammar refuses them.
  if (/^[-0-9]/.test(w) && !/^[0-9]+(\.[0-9]+){3}(\/\d+)?$/.test(w) && !w.includes(':'))
    ts.fail('a number (decimal or 0x-hex)', start);
  if (KEYWORDS.has(w)) ts.fail('an expression', start);
  if (w === 'mark') return markPrimary('meta');
  if ((w === 'meta' || w === 'ct') && ts.is('mark')) {
    ts.index++;
    return markPrimary(w === 'meta' ? 'meta' : 'ct');
  }
  if (w === 'ct') return parseCtSelector(ts, start);
  if (PROTO_SELECTORS.has(w)) {
    const field = ts.word(`a field of ${w}`);
    // nft prints these meta keys without `meta` (meta_key_is_unqualified).
    if (w === 'meta' && UNQUALIFIED_META.has(field)) return other(field, true);
    return other(ts.slice(start), true);
  }
  if (SHORT_META.has(w) && !UNQUALIFIED_META.has(w)) return other(`meta ${w}`, true);
  if (SHORT_META.has(w)) return other(ts.slice(start), true);
  if (w === 'jhash' || w === 'symhash' || w === 'numgen') return parseHash(ts, start);
  if (w === 'socket') {
    const key = ts.word('a socket key');
    if (key === 'cgroupv2') {
      ts.expect('level');
      ts.word('a level');
    }
    return other(ts.slice(start), true, key === 'mark');
  }
  if (w === 'osf') {
    while (ts.is('ttl')) {
      ts.index++;
      ts.word('a ttl mode');
    }
    ts.word('name or version');
    return other(ts.slice(start), true);
  }
  if (w === 'fib') return parseFib(ts, start);
  if (w === 'ipsec') {
    // ipsec (in|out) [spnum N] (reqid|spi|ip saddr|ip daddr|ip6 saddr|ip6 daddr)
    ts.word('in or out');
    if (ts.accept('spnum')) ts.word('a number');
    const key = ts.word('an ipsec key');
    if (key === 'ip' || key === 'ip6') ts.word('saddr or daddr');
    return other(ts.slice(start), true);
  }
  return other(w, false);
}

function parseCtSelector(ts: TokenStream, start: number): Expr {
  let key = ts.word('a conntrack key');
  if (key === 'original' || key === 'reply') {
    key = ts.word('a conntrack key');
    // The mark is per connection, not per direction: nft's grammar has no `ct original mark`.
    if (key === 'mark' || key === 'secmark' || key === 'state' || key === 'status')
      ts.fail(
        'a per-direction conntrack key (saddr, daddr, proto-src, proto-dst, bytes, packets ...)',
        ts.index - 1,
      );
  }
  if (key === 'ip' || key === 'ip6') ts.word('a conntrack key');
  return other(ts.slice(start), true);
}

function parseHash(ts: TokenStream, start: number): Expr {
  let mark = false;
  if (ts.tokens[start]!.text === 'numgen') ts.word('inc or random');
  else if (ts.tokens[start]!.text === 'jhash') mark = mentionsMark(parseConcat(ts));
  ts.expect('mod');
  ts.word('a modulus');
  for (;;) {
    if (ts.is('seed') || ts.is('offset')) {
      ts.index++;
      ts.word('a number');
    } else break;
  }
  return other(ts.slice(start), true, mark);
}

function parseFib(ts: TokenStream, start: number): Expr {
  let mark = false;
  let address = false;
  do {
    const key = ts.word('a fib key (saddr, daddr, mark, iif, oif)');
    mark ||= key === 'mark';
    address ||= key === 'saddr' || key === 'daddr';
  } while (ts.accept('.'));
  // nft: "fib: need either saddr or daddr".
  if (!address) ts.fail('saddr or daddr among the fib keys', ts.index - 1);
  ts.word('a fib result (oif, oifname, type)');
  return other(ts.slice(start), true, mark);
}

/** Whether the next token starts an expression value (used to find where a keyword's argument ends). */
export const isRelational = (text: string): boolean =>
  ['==', '!=', '<', '>', '<=', '>=', 'eq', 'ne', 'lt', 'gt', 'le', 'ge'].includes(text);
