import { InputError } from '../bits/errors';
import type { Cidr } from '../ir/types';
import { formatIpv6, parseIpv4, parseIpv6 } from '../net/address';
import { maskWords } from '../net/cidr';

// Address prefixes as policy rules write them (`10.0.0.0/8`, `2001:db8::1`). Host bits are cleared, as nft and
// iptables do when they load `10.0.0.1/8`, so the IR holds what the tools print back.

/** A dotted quad as its four octets (leading zeros refused, as inet_pton refuses them), or null. */
function ipv4Octets(text: string): number[] | null {
  const n = parseIpv4(text, { strict: true });
  return n === null ? null : [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256);
}

/** Parse `ADDRESS[/PREFIX]` (IPv4 or IPv6); `path` names the value in errors. */
export function parseCidr(text: unknown, path: string): Cidr {
  if (typeof text !== 'string')
    throw new InputError(path, text, 'must be an address or prefix text such as "10.0.0.0/8"');
  const [address, prefixText, ...rest] = text.trim().split('/');
  if (rest.length > 0 || address === undefined || address === '') {
    throw new InputError(path, text, 'expected ADDRESS or ADDRESS/PREFIX');
  }
  const v4 = ipv4Octets(address);
  const v6 = v4 ? null : parseIpv6(address);
  if (!v4 && !v6) throw new InputError(path, text, 'is not an IPv4 or IPv6 address');
  const family = v4 ? 4 : 6;
  const max = family === 4 ? 32 : 128;
  let prefix = max;
  if (prefixText !== undefined) {
    if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > max) {
      throw new InputError(path, text, `prefix length must be 0..${max}`);
    }
    prefix = Number(prefixText);
  }
  const network = family === 4 ? maskWords(v4!, 8, prefix).join('.') : formatIpv6(maskWords(v6!, 16, prefix));
  return { family, address: network, prefix };
}
