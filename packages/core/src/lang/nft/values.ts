import { U32_MAX } from '../../bits/u32';
import type { Cidr, Range } from '../../ir/types';
import { parseIpv4 } from '../../net/address';
import { formatPrefix, parsePrefix } from '../../net/cidr';
import { nftNumber } from './lexer';

// Conversions of right-hand-side words (numbers, ranges, prefixes, names, addresses) to IR values.

export { NFT_PROTOCOL_NAMES as L4_NAMES, NFT_PROTOCOLS as L4_PROTOCOLS } from '../../net/protocols';
export { SERVICES } from '../../net/services';

/** `0x10`, `16`, `010` (octal, as nft reads it); null when not a u32. */
export function u32Value(text: string): number | null {
  const n = nftNumber(text);
  return n === null || n > U32_MAX ? null : n;
}

/** A number, a `lo-hi` range, or (with `named`) a symbolic name; null when it is none of these. */
export function rangeValue(text: string, named: Readonly<Record<string, number>> = {}): Range | null {
  const one = (t: string): number | null => u32Value(t) ?? named[t] ?? null;
  const single = one(text);
  if (single !== null) return [single, single];
  const dash = text.indexOf('-', 1);
  if (dash < 0) return null;
  const lo = one(text.slice(0, dash));
  const hi = one(text.slice(dash + 1));
  return lo === null || hi === null ? null : [lo, hi];
}

export { isIpv4, isIpv6 } from '../../net/address';
export { CT_STATES } from '../../net/conntrack';

/** `10.0.0.0/8`, `::1`, `2001:db8::/32`; null when not an address or prefix. */
export const cidrValue = (text: string): Cidr | null => parsePrefix(text);

export const formatCidr = (c: Cidr): string => formatPrefix(c);

/** `1.2.3.4/24` -> `1.2.3.0/24` as nft prints prefixes (host bits cleared); other words unchanged. */
export function canonicalPrefix(word: string): string {
  const c = cidrValue(word);
  if (c?.family !== 4 || c.prefix === 32) return word;
  const mask = c.prefix === 0 ? 0 : (0xffffffff << (32 - c.prefix)) >>> 0;
  const n = (parseIpv4(c.address)! & mask) >>> 0;
  return `${[24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.')}/${c.prefix}`;
}

/** The prefix length when [lo, hi] is an aligned block of 2^(32-len) marks and not a single value, else null. */
export function rangePrefixLength(lo: number, hi: number): number | null {
  const size = hi - lo + 1;
  if (size < 2 || (size & (size - 1)) !== 0 || lo % size !== 0) return null;
  return 32 - Math.log2(size);
}

/** nft lists aligned mark intervals in sets as prefixes: 8-15 -> `0x00000008/29`. */
export function markIntervalText(lo: number, hi: number): string {
  const hex = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;
  if (lo === hi) return hex(lo);
  const len = rangePrefixLength(lo, hi);
  return len === null ? `${hex(lo)}-${hex(hi)}` : `${hex(lo)}/${len}`;
}

/** A set element `v/len` as the interval it stands for. */
export function prefixInterval(word: string): [number, number] | null {
  const [v, l, ...rest] = word.split('/');
  const value = v === undefined ? null : u32Value(v);
  if (rest.length || value === null || l === undefined || !/^\d+$/.test(l) || Number(l) > 32) return null;
  const len = Number(l);
  const pm = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
  const lo = (value & pm) >>> 0;
  return [lo, (lo | ~pm) >>> 0];
}
