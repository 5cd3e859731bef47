import { InputError } from '../bits/errors';
import type { Cidr } from '../ir/types';
import { type AddressValue, addressValue, formatPrefix } from '../net/cidr';

/** An address as a number (IPv4, u32) or a bigint (IPv6, 128 bits): cheap to compare and mask. */
export type Addr = AddressValue;

/** Parse an IPv4 or IPv6 address, or null when it is neither. */
export const tryParseAddr = (text: string): Addr | null => addressValue(text);

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

/** As `ip rule`/`ip route` print a prefix: the length only when it is not a host. */
export const formatCidr = (c: Cidr): string => formatPrefix(c);
