import { InputError } from '../../bits/errors';
import type { Cidr } from '../../ir/types';

// The generic part of an iptables rule: addresses (-s/-d) and protocols (-p), read and printed as
// iptables-save does (addresses masked by their prefix, protocol numbers printed by name when known).

/** Protocol names iptables-save prints (xtables_chain_protos and /etc/protocols for common ones). */
const PROTO_NAMES: Readonly<Record<number, string>> = {
  1: 'icmp',
  2: 'igmp',
  4: 'ipencap',
  6: 'tcp',
  17: 'udp',
  33: 'dccp',
  41: 'ipv6',
  47: 'gre',
  50: 'esp',
  51: 'ah',
  58: 'ipv6-icmp',
  89: 'ospf',
  94: 'ipip',
  103: 'pim',
  112: 'vrrp',
  115: 'l2tp',
  132: 'sctp',
  135: 'mh',
  136: 'udplite',
};
const PROTO_ALIASES: Readonly<Record<string, number>> = {
  all: 0,
  icmpv6: 58,
  'ipv6-mh': 135,
  ipv4: 4,
  'ip-encap': 4,
};
const PROTO_NUMBERS: ReadonlyMap<string, number> = new Map([
  ...Object.entries(PROTO_NAMES).map(([n, name]) => [name, Number(n)] as [string, number]),
  ...Object.entries(PROTO_ALIASES),
]);

/** Protocol number of `-p NAME|NUMBER`; 0 means all. */
export function protoNumber(text: string): number {
  const lower = text.toLowerCase();
  const known = PROTO_NUMBERS.get(lower);
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

export const protoName = (n: number): string => PROTO_NAMES[n] ?? String(n);

// ---- addresses ----------------------------------------------------------------------------------

const DOTTED_QUAD = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** Dotted quad to a number, or null. */
function parseIpv4(text: string): number | null {
  const m = DOTTED_QUAD.exec(text);
  if (!m) return null;
  const a = +m[1]!;
  const b = +m[2]!;
  const c = +m[3]!;
  const d = +m[4]!;
  if (a > 255 || b > 255 || c > 255 || d > 255) return null;
  return ((a * 256 + b) * 256 + c) * 256 + d;
}

const formatIpv4 = (n: number): string =>
  `${Math.floor(n / 16777216) % 256}.${Math.floor(n / 65536) % 256}.${Math.floor(n / 256) % 256}.${n % 256}`;

/** IPv6 text to 8 groups, or null. */
function parseIpv6(text: string): number[] | null {
  let s = text;
  let tail: number[] = [];
  const lastColon = s.lastIndexOf(':');
  if (s.includes('.') && lastColon !== -1) {
    const v4 = parseIpv4(s.slice(lastColon + 1));
    if (v4 === null) return null;
    tail = [Math.floor(v4 / 65536), v4 % 65536];
    s = `${s.slice(0, lastColon + 1)}`;
    s = s.endsWith('::') ? s : s.slice(0, -1);
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const groups = (h: string): number[] | null => {
    if (h === '') return [];
    const out: number[] = [];
    for (const g of h.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      out.push(Number.parseInt(g, 16));
    }
    return out;
  };
  const head = groups(halves[0]!);
  const rest = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !rest) return null;
  const known = head.length + rest.length + tail.length;
  if (halves.length === 1) return known === 8 ? [...head, ...tail] : null;
  if (known > 7) return null;
  return [...head, ...new Array<number>(8 - known).fill(0), ...rest, ...tail];
}

/** RFC 5952 text, as inet_ntop prints it. */
function formatIpv6(g: readonly number[]): string {
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hexes = g.map((x) => x.toString(16));
  // inet_ntop writes an IPv4-mapped/compatible tail in dotted form.
  const v4tail =
    bestStart === 0 &&
    (bestLen === 6 || (bestLen === 5 && g[5] === 0xffff)) &&
    !(bestLen === 6 && g[6] === 0);
  if (v4tail) {
    const v4 = formatIpv4(g[6]! * 65536 + g[7]!);
    return bestLen === 6 ? `::${v4}` : `::ffff:${v4}`;
  }
  if (bestStart === -1) return hexes.join(':');
  return `${hexes.slice(0, bestStart).join(':')}::${hexes.slice(bestStart + bestLen).join(':')}`;
}

function maskPrefix(bits: number[], prefix: number, width: number): number[] {
  return bits.map((v, i) => {
    const lo = i * width;
    if (prefix >= lo + width) return v;
    if (prefix <= lo) return 0;
    const keep = prefix - lo;
    return v & ~((1 << (width - keep)) - 1) & ((1 << width) - 1);
  });
}

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

const v4Groups = (n: number): number[] => [Math.floor(n / 65536), n % 65536];

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
  const groups =
    family === 4
      ? (() => {
          const n = parseIpv4(addr);
          return n === null ? null : v4Groups(n);
        })()
      : parseIpv6(addr);
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
      const maskGroups =
        family === 4
          ? (() => {
              const n = parseIpv4(maskText);
              return n === null ? null : v4Groups(n);
            })()
          : parseIpv6(maskText);
      const p = maskGroups ? prefixOfMask(maskGroups, 16) : null;
      if (p === null)
        throw new InputError(field, text, 'has a mask that is not a prefix length or a contiguous mask');
      prefix = p;
    }
  }
  const masked = maskPrefix(groups, prefix, 16);
  const address = family === 4 ? formatIpv4(masked[0]! * 65536 + masked[1]!) : formatIpv6(masked);
  return { text: `${address}/${prefix}`, cidr: { family, address, prefix } };
}
