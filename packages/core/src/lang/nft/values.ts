import { U32_MAX } from '../../bits/u32';
import type { Cidr, CtState, Range } from '../../ir/types';
import { nftNumber } from './lexer';

// Conversions of right-hand-side words (numbers, ranges, prefixes, names, addresses) to IR values.

export const L4_PROTOCOLS: Readonly<Record<string, number>> = {
  icmp: 1,
  igmp: 2,
  tcp: 6,
  udp: 17,
  gre: 47,
  esp: 50,
  ah: 51,
  'ipv6-icmp': 58,
  icmpv6: 58,
  sctp: 132,
  udplite: 136,
};

export const L4_NAMES: Readonly<Record<number, string>> = {
  1: 'icmp',
  2: 'igmp',
  6: 'tcp',
  17: 'udp',
  47: 'gre',
  50: 'esp',
  51: 'ah',
  58: 'ipv6-icmp',
  132: 'sctp',
  136: 'udplite',
};

export const SERVICES: Readonly<Record<string, number>> = {
  ftp: 21,
  ssh: 22,
  telnet: 23,
  smtp: 25,
  domain: 53,
  bootps: 67,
  bootpc: 68,
  http: 80,
  ntp: 123,
  https: 443,
};

export const CT_STATES: readonly CtState[] = ['new', 'established', 'related', 'invalid', 'untracked'];

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

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export function isIpv4(text: string): boolean {
  const m = IPV4.exec(text);
  return !!m && m.slice(1).every((p) => Number(p) <= 255);
}

export function isIpv6(text: string): boolean {
  return /^[0-9a-fA-F:.]+$/.test(text) && text.includes(':') && (text.match(/::/g) ?? []).length <= 1;
}

/** `10.0.0.0/8`, `::1`, `2001:db8::/32`; null when not an address or prefix. */
export function cidrValue(text: string): Cidr | null {
  const [addr, len, ...rest] = text.split('/');
  if (rest.length || !addr) return null;
  const family = isIpv4(addr) ? 4 : isIpv6(addr) ? 6 : null;
  if (!family) return null;
  const max = family === 4 ? 32 : 128;
  const prefix = len === undefined ? max : /^\d+$/.test(len) ? Number(len) : -1;
  if (prefix < 0 || prefix > max) return null;
  return { family, address: addr, prefix };
}

export const formatCidr = (c: Cidr): string =>
  c.prefix === (c.family === 4 ? 32 : 128) ? c.address : `${c.address}/${c.prefix}`;

function ipv4ToInt(a: string): number {
  return a.split('.').reduce((acc, p) => acc * 256 + Number(p), 0);
}

/** `1.2.3.4/24` -> `1.2.3.0/24` as nft prints prefixes (host bits cleared); other words unchanged. */
export function canonicalPrefix(word: string): string {
  const c = cidrValue(word);
  if (c?.family !== 4 || c.prefix === 32) return word;
  const mask = c.prefix === 0 ? 0 : (0xffffffff << (32 - c.prefix)) >>> 0;
  const n = (ipv4ToInt(c.address) & mask) >>> 0;
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
