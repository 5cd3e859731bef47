import { linearize, NftExprError } from '../../bits/nft-ops';
import type { OpaqueExpr } from '../../ir/types';
import type { Expr } from './expr';
import type { TokenStream } from './lexer';
import { refuse } from './refusals';

// Pieces shared by the rule parser's item parsers.

/** Keywords that start a new statement: an opaque construct ends before them. */
export const STOPS = new Set([
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
export const NAT = new Set(['snat', 'dnat', 'masquerade', 'redirect']);

export const opaque = (
  text: string,
  role: 'match' | 'statement',
  reads: boolean,
  writes: boolean,
): OpaqueExpr => ({
  kind: 'opaque',
  text,
  role,
  readsMark: reads,
  writesMark: writes,
});

/** Consume tokens of an unmodelled construct up to the next statement keyword (outside braces). */
export function skipOpaque(ts: TokenStream, start: number): string {
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

/** The mark (and chain) an expression reads when it is mark arithmetic, else null. */
export function markLinear(e: Expr, ts: TokenStream, at: number) {
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
