// Address prefixes (`ADDR` or `ADDR/LEN`) and addresses as numbers to compare and mask.

import { familyOf, formatIpv4, formatIpv6, parseIpv4, parseIpv6 } from './address';

/** An address with a prefix length; the same shape as the IR's Cidr. */
export interface Prefix {
  readonly family: 4 | 6;
  readonly address: string;
  readonly prefix: number;
}

/** The longest prefix of a family: a host. */
export const hostPrefixLength = (family: 4 | 6): number => (family === 4 ? 32 : 128);

/** `10.0.0.0/8`, `::1`, `2001:db8::/32` (no length: a host); null when not an address or prefix. */
export function parsePrefix(text: string): Prefix | null {
  const [address, len, ...rest] = text.split('/');
  if (rest.length || !address) return null;
  const family = familyOf(address);
  if (!family) return null;
  const max = hostPrefixLength(family);
  const prefix = len === undefined ? max : /^\d+$/.test(len) ? Number(len) : -1;
  if (prefix < 0 || prefix > max) return null;
  return { family, address, prefix };
}

/** As the tools print a prefix: the length only when it is not a host. */
export const formatPrefix = (c: Prefix): string =>
  c.prefix === hostPrefixLength(c.family) ? c.address : `${c.address}/${c.prefix}`;

/** An IPv6 address as one 128-bit number, or null when the text is not one. */
export function ipv6Value(text: string): bigint | null {
  const groups = parseIpv6(text);
  if (!groups) return null;
  let n = 0n;
  for (const g of groups) n = (n << 16n) | BigInt(g);
  return n;
}

/** An address as a number (IPv4: u32, IPv6: 128-bit bigint), or null when it is neither. */
export type AddressValue =
  | { readonly family: 4; readonly v: number }
  | { readonly family: 6; readonly v: bigint };

export function addressValue(text: string): AddressValue | null {
  const v4 = parseIpv4(text);
  if (v4 !== null) return { family: 4, v: v4 };
  const v6 = ipv6Value(text);
  return v6 === null ? null : { family: 6, v: v6 };
}

/** Clear every bit after the first `prefix` bits of big-endian `width`-bit words (width at most 16). */
export function maskWords(words: readonly number[], width: number, prefix: number): number[] {
  return words.map((w, i) => {
    const keep = Math.min(Math.max(prefix - i * width, 0), width);
    const mask = keep === 0 ? 0 : ((2 ** width - 1) >>> (width - keep)) << (width - keep);
    return w & mask;
  });
}

/**
 * The network of a prefix as the tools print it after loading `10.0.0.1/8`: host bits cleared, the address in
 * canonical text. Null when the address is not one of its family.
 */
export function networkPrefix(c: Prefix): Prefix | null {
  if (c.family === 4) {
    const n = parseIpv4(c.address);
    if (n === null) return null;
    const [hi, lo] = maskWords([Math.floor(n / 65536), n % 65536], 16, c.prefix) as [number, number];
    return { family: 4, address: formatIpv4(hi * 65536 + lo), prefix: c.prefix };
  }
  const groups = parseIpv6(c.address);
  return groups
    ? { family: 6, address: formatIpv6(maskWords(groups, 16, c.prefix)), prefix: c.prefix }
    : null;
}
