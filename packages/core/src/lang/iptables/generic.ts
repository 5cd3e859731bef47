import { InputError } from '../../bits/errors';
import type { Cidr } from '../../ir/types';
import { formatIpv4, formatIpv6, parseIpv4, parseIpv6 } from '../../net/address';
import { maskWords } from '../../net/cidr';
import { protocolName, protocolNumber } from '../../net/protocols';

// The generic part of an iptables rule: addresses (-s/-d) and protocols (-p), read and printed as
// iptables-save does (addresses masked by their prefix, protocol numbers printed by name when known).

/** Protocol number of `-p NAME|NUMBER`; 0 means all. */
export function protoNumber(text: string): number {
  if (text.toLowerCase() === 'all') return 0;
  const known = protocolNumber(text);
  if (known !== undefined) return known;
  if (/^[0-9]+$/.test(text)) {
    const n = Number(text);
    if (n <= 255) return n;
  }
  throw new InputError(
    '-p',
    text,
    'unknown protocol (expected a name such as tcp, udp, icmp or a number 0-255)',
  );
}

export const protoName = protocolName;

// ---- addresses ----------------------------------------------------------------------------------

function prefixOfMask(groups: number[], width: number): number | null {
  let prefix = 0;
  let ended = false;
  for (const g of groups) {
    for (let b = width - 1; b >= 0; b--) {
      const on = (g >> b) & 1;
      if (on && ended) return null;
      if (on) prefix++;
      else ended = true;
    }
  }
  return prefix;
}

/** An address of the family as 16-bit groups (two for IPv4), or null when it is not one. */
function groupsOf(text: string, family: 4 | 6): number[] | null {
  if (family === 6) return parseIpv6(text);
  const n = parseIpv4(text);
  return n === null ? null : [Math.floor(n / 65536), n % 65536];
}

/**
 * `-s`/`-d` argument as iptables-save prints it: the address masked by its prefix, `/32` or `/128` added.
 * A dotted mask (`/255.0.0.0`) becomes a prefix. Host names cannot be resolved here: they are returned
 * without a cidr.
 */
export function parseXtAddress(text: string, family: 4 | 6, field: string): { text: string; cidr?: Cidr } {
  const slash = text.indexOf('/');
  const addr = slash === -1 ? text : text.slice(0, slash);
  const maskText = slash === -1 ? null : text.slice(slash + 1);
  const max = family === 4 ? 32 : 128;
  const groups = groupsOf(addr, family);
  if (!groups) {
    if (
      /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(addr) &&
      /[A-Za-z]/.test(addr) &&
      maskText === null
    ) {
      return { text };
    }
    throw new InputError(
      field,
      text,
      `is not an IPv${family} address${family === 4 ? ' (a.b.c.d[/prefix])' : ''}`,
    );
  }
  if (family === 4 && (maskText === null || maskText === '32')) {
    // A host address: nothing to mask, the common case in large rulesets.
    const address = formatIpv4(groups[0]! * 65536 + groups[1]!);
    return { text: `${address}/32`, cidr: { family, address, prefix: 32 } };
  }
  let prefix = max;
  if (maskText !== null) {
    if (/^[0-9]+$/.test(maskText)) {
      prefix = Number(maskText);
      if (prefix > max) throw new InputError(field, text, `has a prefix larger than ${max}`);
    } else {
      const maskGroups = groupsOf(maskText, family);
      const p = maskGroups ? prefixOfMask(maskGroups, 16) : null;
      if (p === null)
        throw new InputError(field, text, 'has a mask that is not a prefix length or a contiguous mask');
      prefix = p;
    }
  }
  const masked = maskWords(groups, 16, prefix);
  const address = family === 4 ? formatIpv4(masked[0]! * 65536 + masked[1]!) : formatIpv6(masked);
  return { text: `${address}/${prefix}`, cidr: { family, address, prefix } };
}
