import { hex8 } from '../../bits/u32';
import { ctStateBit } from '../../net/conntrack';
import { NFT_PROTOCOLS } from '../../net/protocols';
import type { TokenStream } from './lexer';
import { u32Value } from './values';

// Right-hand sides: a value (`0x10`, `1-5`, `0xffffff00/24`, `new,established`), `@set`, or `{ a, b : c }`.

export interface RhsElement {
  readonly key: string;
  readonly value?: string;
}

export type Rhs =
  | { readonly kind: 'value'; readonly items: readonly string[]; readonly text: string }
  | { readonly kind: 'ref'; readonly name: string; readonly text: string }
  | { readonly kind: 'set'; readonly elements: readonly RhsElement[]; readonly text: string };

const ELEMENT_END = new Set([',', '}', ':']);

function readUntil(ts: TokenStream, ends: Set<string>, what: string): string {
  const from = ts.index;
  let depth = 0;
  while (!ts.atEnd()) {
    const t = ts.peek()!;
    if (t.kind === 'punct' && depth === 0 && ends.has(t.text)) break;
    if (t.kind === 'newline') {
      ts.index++;
      continue;
    }
    if (t.text === '{' || t.text === '(') depth++;
    if (t.text === '}' || t.text === ')') depth--;
    ts.index++;
  }
  if (ts.index === from) ts.fail(what);
  return ts.slice(from).replace(/\n ?/g, '').trim();
}

/** Format a mark value word as nft prints it: `0x%08x`, ranges and prefixes; throws on a non-number. */
export function markValueText(word: string, ts: TokenStream, at: number): string {
  const fail = (): never => ts.fail(`a mark value (decimal or 0x-hex, a range lo-hi or value/prefix)`, at);
  const slash = word.split('/');
  if (slash.length === 2) {
    const v = u32Value(slash[0]!);
    const len = Number(slash[1]);
    if (v === null || !/^\d+$/.test(slash[1]!) || len > 32) return fail();
    const pm = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
    return `${hex8((v & pm) >>> 0)}/${len}`;
  }
  const one = u32Value(word);
  if (one !== null) return hex8(one);
  const dash = word.indexOf('-', 1);
  const lo = dash > 0 ? u32Value(word.slice(0, dash)) : null;
  const hi = dash > 0 ? u32Value(word.slice(dash + 1)) : null;
  if (lo === null || hi === null) return fail();
  if (hi < lo) ts.fail(`a range with lo <= hi (Range has zero or negative size)`, at);
  return `${hex8(lo)}-${hex8(hi)}`;
}

export interface RhsFormat {
  readonly key?: (word: string, at: number) => string;
  readonly value?: (word: string, at: number) => string;
}

/** Parse a right-hand side. `isMap` expects `{ k : v, ... }` or `@map`; `mark` formats keys as mark values. */
export function parseRhs(ts: TokenStream, isMap: boolean, mark = false, format: RhsFormat = {}): Rhs {
  const keyFmt =
    format.key ?? (mark ? (w: string, at: number) => markValueText(w, ts, at) : (w: string) => w);
  const valueFmt = format.value ?? ((w: string) => w);
  const first = ts.peek();
  if (!first) return ts.fail('a value');
  if (first.kind === 'word' && first.text.startsWith('@')) {
    ts.index++;
    return { kind: 'ref', name: first.text.slice(1), text: first.text };
  }
  if (first.kind === 'word' && first.text.startsWith('$'))
    ts.fail(`a defined variable (${first.text} is not defined)`);
  if (ts.is('{')) {
    ts.index++;
    const elements: RhsElement[] = [];
    const texts: string[] = [];
    while (!ts.accept('}')) {
      while (ts.peek()?.kind === 'newline') ts.index++;
      if (ts.accept('}')) break;
      const at = ts.index;
      const key = readUntil(ts, ELEMENT_END, 'a set element');
      let value: string | undefined;
      if (ts.accept(':')) {
        const vat = ts.index;
        value = readUntil(ts, new Set([',', '}']), 'a map value');
        value = valueFmt(value, vat);
      } else if (isMap) ts.fail('`:` and a value (map elements are key : value)');
      const k = keyFmt(key, at);
      elements.push({ key: k, ...(value !== undefined ? { value } : {}) });
      texts.push(value !== undefined ? `${k} : ${value}` : k);
      if (!ts.accept(',')) {
        while (ts.peek()?.kind === 'newline') ts.index++;
        ts.expect('}');
        break;
      }
    }
    // nft lists a one-element anonymous set as the plain value.
    const only = elements[0];
    if (elements.length === 1 && only && only.value === undefined && !isMap && !only.key.includes(' . ')) {
      return { kind: 'value', items: [only.key], text: only.key };
    }
    return { kind: 'set', elements, text: `{ ${texts.join(', ')} }` };
  }
  if (isMap) ts.fail('`{` or `@map`');
  const items: string[] = [];
  do {
    const at = ts.index;
    const t = ts.next('a value');
    if (t.kind === 'punct') ts.fail('a value', at);
    items.push(t.kind === 'string' ? `"${t.text}"` : keyFmt(t.text, at));
  } while (ts.accept(','));
  // Flag matches with a mask: `tcp flags syn / fin,syn,rst,ack`.
  if (ts.accept('/')) {
    const mask: string[] = [];
    do mask.push(ts.word('a flag'));
    while (ts.accept(','));
    const text = `${items.join(',')} / ${mask.join(',')}`;
    return { kind: 'value', items: [text], text };
  }
  return { kind: 'value', items, text: items.join(',') };
}

/** The same right-hand side with every key word rewritten (values of map elements are kept). */
export function mapRhsKeys(rhs: Rhs, f: (word: string) => string): Rhs {
  if (rhs.kind === 'ref') return rhs;
  if (rhs.kind === 'value') {
    const items = rhs.items.map((w) => (w.startsWith('"') ? w : f(w)));
    return { kind: 'value', items, text: items.join(',') };
  }
  const elements = rhs.elements.map((e) => ({ ...e, key: f(e.key) }));
  const text = `{ ${elements.map((e) => (e.value !== undefined ? `${e.key} : ${e.value}` : e.key)).join(', ')} }`;
  return { kind: 'set', elements, text };
}

/** Every key of the right-hand side, for checks. */
export const rhsKeys = (rhs: Rhs): readonly string[] =>
  rhs.kind === 'ref' ? [] : rhs.kind === 'value' ? rhs.items : rhs.elements.map((e) => e.key);

/**
 * The order nft lists set elements in: numbers, protocols and addresses by value, ct states by bit,
 * strings (interface names) as little-endian integers (so by length, then from the last byte).
 */
export function elementRank(key: string): bigint | null {
  const lo = key.split('-')[0]!.split('/')[0]!;
  const n = u32Value(lo);
  if (n !== null) return BigInt(n);
  const bit = ctStateBit(lo);
  if (bit !== undefined) return BigInt(bit);
  if (Object.hasOwn(NFT_PROTOCOLS, lo)) return BigInt(NFT_PROTOCOLS[lo]!);
  const v4 = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(lo);
  if (v4) return v4.slice(1).reduce((acc, p) => acc * 256n + BigInt(p), 0n);
  if (key.startsWith('"')) {
    let r = 0n;
    const name = key.slice(1, -1);
    for (let i = name.length - 1; i >= 0; i--) r = r * 256n + BigInt(name.charCodeAt(i) & 0xff);
    return r;
  }
  return null;
}

/** Sort set elements (and comma lists) the way nft lists them; unknown kinds keep their order. */
export function sortRhs(rhs: Rhs): Rhs {
  if (rhs.kind === 'ref') return rhs;
  const keys = rhs.kind === 'value' ? rhs.items : rhs.elements.map((e) => e.key);
  const ranks = keys.map(elementRank);
  if (keys.length < 2 || ranks.some((r) => r === null)) return rhs;
  const order = keys
    .map((_, i) => i)
    .sort((a, b) => (ranks[a]! < ranks[b]! ? -1 : ranks[a]! > ranks[b]! ? 1 : a - b));
  if (rhs.kind === 'value') {
    const items = order.map((i) => rhs.items[i]!);
    return { kind: 'value', items, text: items.join(',') };
  }
  const elements = order.map((i) => rhs.elements[i]!);
  const text = `{ ${elements.map((e) => (e.value !== undefined ? `${e.key} : ${e.value}` : e.key)).join(', ')} }`;
  return { kind: 'set', elements, text };
}
