import type { RuleExpr, Verdict } from '../../ir/types';
import { parseExpr } from './expr';
import type { TokenStream } from './lexer';
import { parseRhs } from './rhs';
import { opaque, STOPS } from './rule-common';

// Statements with their own small grammars: anonymous chains, nat/dup/fwd/tproxy targets, reject, log, queue.

/** `jump { rule; rule }`: an anonymous chain, kept whole (it may touch marks, so flagged both ways). */
export function anonymousChain(ts: TokenStream, start: number): string {
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

export const NAT_FLAGS = new Set(['random', 'fully-random', 'persistent', 'netmap', 'prefix']);

/**
 * `[ip|ip6] [to] EXPR [map {...}] [flags]` of nat, dup, fwd and tproxy. `plain` is false when the target is
 * computed (a map or a selector) rather than an address/port literal.
 */
export function parseTargetStatement(ts: TokenStream, start: number, flags: ReadonlySet<string>) {
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

export function parseLog(ts: TokenStream, start: number): RuleExpr {
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

export function parseQueue(ts: TokenStream, start: number): RuleExpr {
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
