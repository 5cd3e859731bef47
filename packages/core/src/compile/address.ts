import { InputError } from '../bits/errors';
import type { Cidr } from '../ir/types';

// Address prefixes as policy rules write them (`10.0.0.0/8`, `2001:db8::1`). Host bits are cleared, as nft and
// iptables do when they load `10.0.0.1/8`, so the IR holds what the tools print back.

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function parseIpv4(text: string): number[] | null {
  const m = IPV4.exec(text);
  if (!m) return null;
  const octets = m.slice(1).map(Number);
  if (octets.some((o, i) => o > 255 || (m[i + 1]!.length > 1 && m[i + 1]!.startsWith('0')))) return null;
  return octets;
}

/** Eight 16-bit groups, or null when the text is not an IPv6 address. */
function parseIpv6(text: string): number[] | null {
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return null;
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groups = (part: string): number[] | null => {
    if (part === '') return [];
    const out: number[] = [];
    const items = part.split(':');
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      if (i === items.length - 1 && item.includes('.')) {
        const v4 = parseIpv4(item);
        if (!v4) return null;
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(item)) {
        out.push(Number.parseInt(item, 16));
      } else return null;
    }
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !tail) return null;
  if (halves.length === 1) return head.length === 8 ? head : null;
  const fill = 8 - head.length - tail.length;
  if (fill < 1) return null;
  return [...head, ...new Array<number>(fill).fill(0), ...tail];
}

/** RFC 5952 text, as inet_ntop (and so nft and iproute2) print it, embedded IPv4 forms included. */
function formatIpv6(words: readonly number[]): string {
  let best = { base: -1, len: 0 };
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > best.len) best = { base: i, len: j - i };
    i = j;
  }
  if (best.len < 2) best = { base: -1, len: 0 };
  if (best.base === 0 && (best.len === 6 || (best.len === 5 && words[5] === 0xffff))) {
    const v4 = `${words[6]! >> 8}.${words[6]! & 0xff}.${words[7]! >> 8}.${words[7]! & 0xff}`;
    return best.len === 6 ? `::${v4}` : `::ffff:${v4}`;
  }
  const hex = words.map((w) => w.toString(16));
  if (best.base === -1) return hex.join(':');
  const before = hex.slice(0, best.base).join(':');
  const after = hex.slice(best.base + best.len).join(':');
  return `${before}::${after}`;
}

/** Clear every bit after the first `prefix` bits of a big-endian array of `width`-bit words. */
function maskWords(words: readonly number[], width: number, prefix: number): number[] {
  return words.map((w, i) => {
    const keep = Math.min(Math.max(prefix - i * width, 0), width);
    const mask = keep === 0 ? 0 : ((2 ** width - 1) >>> (width - keep)) << (width - keep);
    return w & mask;
  });
}

/** Parse `ADDRESS[/PREFIX]` (IPv4 or IPv6); `path` names the value in errors. */
export function parseCidr(text: unknown, path: string): Cidr {
  if (typeof text !== 'string')
    throw new InputError(path, text, 'must be an address or prefix text such as "10.0.0.0/8"');
  const [address, prefixText, ...rest] = text.trim().split('/');
  if (rest.length > 0 || address === undefined || address === '') {
    throw new InputError(path, text, 'expected ADDRESS or ADDRESS/PREFIX');
  }
  const v4 = parseIpv4(address);
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
