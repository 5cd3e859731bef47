import { InputError } from '../../bits/errors';
import type { Cidr } from '../../ir/types';
import { familyOf } from '../../net/address';
import { formatPrefix, hostPrefixLength } from '../../net/cidr';

// iproute2's words for prefixes: `default`/`all` for the whole family, otherwise the net/ reading and printing.

/** `ADDR` or `ADDR/LEN` as iproute2 prints it (`default` and `all` are the whole family). */
export function parseIpCidr(text: string, len: number | undefined, family: 4 | 6, field: string): Cidr {
  if (text === 'default' || text === 'all')
    return { family, address: family === 4 ? '0.0.0.0' : '::', prefix: 0 };
  const [address, lenText] = text.split('/') as [string, string | undefined];
  const f = familyOf(address);
  if (f === null) throw new InputError(field, text, 'is not an IP address');
  const max = hostPrefixLength(f);
  const prefix = lenText !== undefined ? Number(lenText) : (len ?? max);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max)
    throw new InputError(field, text, `has a prefix outside 0-${max}`);
  return { family: f, address, prefix };
}

/** As iproute2 prints a prefix: the length only when it is not a host route; `all`/`default` for /0. */
export function formatIpCidr(c: Cidr, zero: 'all' | 'default'): string {
  return c.prefix === 0 ? zero : formatPrefix(c);
}
