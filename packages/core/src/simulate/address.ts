import { InputError } from '../bits/errors';
import type { Cidr } from '../ir/types';
import { parseIpv4 } from '../net/address';

/** An address as a number (IPv4, u32) or a bigint (IPv6, 128 bits): cheap to compare and mask. */
export type Addr = { readonly family: 4; readonly v: number } | { readonly family: 6; readonly v: bigint };

const parseV4 = (text: string): number | null => parseIpv4(text);

function parseV6(text: string): bigint | null {
  if (!/^[0-9a-fA-F:.]+$/.test(text) || !text.includes(':')) return null;
  let head = text;
  let tailV4: number | null = null;
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    tailV4 = parseV4(text.slice(lastColon + 1));
    if (tailV4 === null) return null;
    head = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = head.split('::');
  if (halves.length > 2) return null;
  const words = (part: string): string[] => (part === '' ? [] : part.split(':'));
  const left = words(halves[0]!);
  const right = halves.length === 2 ? words(halves[1]!) : [];
  const fill = 8 - left.length - right.length;
  if (halves.length === 1 ? fill !== 0 : fill < 1) return null;
  const all = [...left, ...Array<string>(halves.length === 2 ? fill : 0).fill('0'), ...right];
  let n = 0n;
  for (const w of all) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(w)) return null;
    n = (n << 16n) | BigInt(Number.parseInt(w, 16));
  }
  if (tailV4 !== null) n = (n & ~0xffffffffn) | BigInt(tailV4);
  return n;
}

/** Parse an IPv4 or IPv6 address, or null when it is neither. */
export function tryParseAddr(text: string): Addr | null {
  const v4 = parseV4(text);
  if (v4 !== null) return { family: 4, v: v4 };
  const v6 = parseV6(text);
  return v6 === null ? null : { family: 6, v: v6 };
}

export function parseAddr(text: string, field: string): Addr {
  const a = tryParseAddr(text);
  if (!a) throw new InputError(field, text, 'is not an IPv4 or IPv6 address');
  return a;
}

/** A compiled prefix test: true when the address lies inside the prefix (false for the other family). */
export type AddrTest = (a: Addr) => boolean;

export function cidrTest(cidr: Cidr): AddrTest {
  const base = tryParseAddr(cidr.address);
  if (!base) throw new InputError('cidr.address', cidr.address, 'is not an address');
  if (base.family === 4) {
    const bits = Math.min(32, cidr.prefix);
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    const net = (base.v & mask) >>> 0;
    return (a) => a.family === 4 && (a.v & mask) >>> 0 === net;
  }
  const bits = BigInt(Math.min(128, cidr.prefix));
  const mask = bits === 0n ? 0n : ((1n << bits) - 1n) << (128n - bits);
  const net = base.v & mask;
  return (a) => a.family === 6 && (a.v & mask) === net;
}

export function rangeTest(family: 4 | 6, lo: string, hi: string): AddrTest {
  const a = tryParseAddr(lo);
  const b = tryParseAddr(hi);
  if (!a || !b || a.family !== family || b.family !== family) {
    throw new InputError('addrRange', `${lo}-${hi}`, 'is not an address range');
  }
  return (x) => x.family === family && x.v >= a.v && x.v <= b.v;
}

/** Prefix length of a CIDR, used to pick the longest match. */
export const formatCidr = (c: Cidr): string =>
  c.prefix === (c.family === 4 ? 32 : 128) ? c.address : `${c.address}/${c.prefix}`;
