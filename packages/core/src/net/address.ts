// IPv4 and IPv6 addresses as the kernel tools read and print them: one reader and one printer each.

const DOTTED_QUAD = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export interface Ipv4Options {
  /** Refuse octets written with a leading zero (`010`), which inet_pton refuses and some readers take as octal. */
  readonly strict?: boolean;
}

/** A dotted quad as an unsigned 32-bit number, or null when the text is not one. */
export function parseIpv4(text: string, options: Ipv4Options = {}): number | null {
  const m = DOTTED_QUAD.exec(text);
  if (!m) return null;
  let n = 0;
  for (let i = 1; i <= 4; i++) {
    const octet = m[i]!;
    if (Number(octet) > 255 || (options.strict && octet.length > 1 && octet.startsWith('0'))) return null;
    n = n * 256 + Number(octet);
  }
  return n;
}

export const formatIpv4 = (n: number): string =>
  `${Math.floor(n / 16777216) % 256}.${Math.floor(n / 65536) % 256}.${Math.floor(n / 256) % 256}.${n % 256}`;

export const isIpv4 = (text: string): boolean => parseIpv4(text) !== null;

/** IPv6 text (with `::` and an embedded dotted IPv4 tail) as eight 16-bit groups, or null. */
export function parseIpv6(text: string): number[] | null {
  if (!/^[0-9a-fA-F:.]+$/.test(text) || !text.includes(':')) return null;
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groups = (part: string, last: boolean): number[] | null => {
    if (part === '') return [];
    const out: number[] = [];
    const items = part.split(':');
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      if (last && i === items.length - 1 && item.includes('.')) {
        const v4 = parseIpv4(item, { strict: true });
        if (v4 === null) return null;
        out.push(Math.floor(v4 / 65536), v4 % 65536);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(item)) out.push(Number.parseInt(item, 16));
      else return null;
    }
    return out;
  };
  const head = groups(halves[0]!, halves.length === 1);
  const tail = halves.length === 2 ? groups(halves[1]!, true) : [];
  if (!head || !tail) return null;
  if (halves.length === 1) return head.length === 8 ? head : null;
  const fill = 8 - head.length - tail.length;
  if (fill < 1) return null;
  return [...head, ...new Array<number>(fill).fill(0), ...tail];
}

export const isIpv6 = (text: string): boolean => parseIpv6(text) !== null;

/**
 * RFC 5952 text as glibc's inet_ntop (and so nft, iptables and iproute2) prints it: lower case, the longest
 * run of two or more zero groups (the first of equal runs) as `::`, and IPv4-mapped and -compatible
 * addresses with a dotted tail.
 */
export function formatIpv6(groups: readonly number[]): string {
  let base = -1;
  let len = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > len) {
      base = i;
      len = j - i;
    }
    i = j;
  }
  if (base === 0 && (len === 6 || (len === 5 && groups[5] === 0xffff))) {
    const v4 = formatIpv4(groups[6]! * 65536 + groups[7]!);
    return len === 6 ? `::${v4}` : `::ffff:${v4}`;
  }
  const hex = groups.map((g) => g.toString(16));
  if (base === -1) return hex.join(':');
  return `${hex.slice(0, base).join(':')}::${hex.slice(base + len).join(':')}`;
}

/** The address family of an address text, or null when it is neither. */
export const familyOf = (text: string): 4 | 6 | null => (isIpv4(text) ? 4 : isIpv6(text) ? 6 : null);
