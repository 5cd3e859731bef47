import { hex8 } from '../../bits/u32';
import type { SetElement } from '../../ir/types';
import type { Token } from './lexer';
import { parseVerdict } from './lower';
import { cidrValue, prefixInterval, rangeValue, u32Value } from './values';

const text = (ts: readonly Token[], markKeys = false): string =>
  ts
    .map((t) => {
      if (t.kind === 'string') return `"${t.text}"`;
      const n = markKeys ? u32Value(t.text) : null;
      return n !== null ? hex8(n) : t.text;
    })
    .join(' ');

/** One element of `elements = { ... }`: a number/range or an address/prefix, with an optional map value. */
export function parseNftSetElement(tokens: readonly Token[], isMap: boolean, markKeys = false): SetElement {
  const colon = tokens.findIndex((t) => t.kind === 'punct' && t.text === ':');
  const keyToks = colon >= 0 ? tokens.slice(0, colon) : tokens;
  const valToks = colon >= 0 ? tokens.slice(colon + 1) : [];
  const whole = { kind: 'opaque', text: text(tokens, markKeys) } as const;
  if (keyToks.length !== 1 || (isMap && colon < 0)) return whole;
  let value: number | import('../../ir/types').Verdict | undefined;
  if (colon >= 0) {
    const v = text(valToks);
    value = u32Value(v) ?? parseVerdict(v) ?? undefined;
    if (value === undefined) return whole;
  }
  const key = keyToks[0]!.text;
  const extra = value !== undefined ? { value } : {};
  const interval = markKeys ? prefixInterval(key) : null;
  if (interval) return { kind: 'range', range: interval, ...extra };
  const range = rangeValue(key);
  if (range) return { kind: 'range', range, ...extra };
  const cidr = cidrValue(key);
  if (cidr) return { kind: 'cidr', cidr, ...extra };
  return whole;
}
