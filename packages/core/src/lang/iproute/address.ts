import { InputError } from '../../bits/errors';
import type { Cidr } from '../../ir/types';

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export const familyOfAddress = (address: string): 4 | 6 | null =>
  IPV4.test(address) ? 4 : address.includes(':') ? 6 : null;

/** `ADDR` or `ADDR/LEN` as iproute2 prints it (`default` and `all` are the whole family). */
export function parseIpCidr(text: string, len: number | undefined, family: 4 | 6, field: string): Cidr {
  if (text === 'default' || text === 'all')
    return { family, address: family === 4 ? '0.0.0.0' : '::', prefix: 0 };
  const [address, lenText] = text.split('/') as [string, string | undefined];
  const f = familyOfAddress(address);
  if (f === null) throw new InputError(field, text, 'is not an IP address');
  const max = f === 4 ? 32 : 128;
  const prefix = lenText !== undefined ? Number(lenText) : (len ?? max);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max)
    throw new InputError(field, text, `has a prefix outside 0-${max}`);
  return { family: f, address, prefix };
}

/** As iproute2 prints a prefix: the length only when it is not a host route; `all`/`default` for /0. */
export function formatIpCidr(c: Cidr, zero: 'all' | 'default'): string {
  if (c.prefix === 0) return zero;
  return c.prefix === (c.family === 4 ? 32 : 128) ? c.address : `${c.address}/${c.prefix}`;
}
