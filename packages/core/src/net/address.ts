// IPv4 and IPv6 addresses as the kernel tools read and print them: one reader and one printer each.

export interface Ipv4Options {
  /** Refuse octets written with a leading zero (`010`), which inet_pton refuses and some readers take as octal. */
  readonly strict?: boolean;
}

/**
 * A dotted quad as an unsigned 32-bit number, or null when the text is not one: four groups of one to three
 * digits, each at most 255. Read character by character (listings hold hundreds of thousands of addresses).
 */
export function parseIpv4(text: string, options: Ipv4Options = {}): number | null {
  const n = text.length;
  if (n < 7 || n > 15) return null;
  let value = 0;
  let octet = 0;
  let digits = 0;
  let groups = 0;
  let leadingZero = false;
  for (let i = 0; i <= n; i++) {
    // A dot after the last character closes the fourth group.
    const c = i < n ? text.charCodeAt(i) : 46;
    if (c >= 48 && c <= 57) {
      if (digits === 3) return null;
      if (digits === 0) leadingZero = c === 48;
      octet = octet * 10 + (c - 48);
      digits++;
    } else if (c === 46) {
      if (digits === 0 || octet > 255 || (options.strict && digits > 1 && leadingZero)) return null;
      if (++groups > 4) return null;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
    } else return null;
  }
  return groups === 4 ? value : null;
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
