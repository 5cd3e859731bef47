// Constructs nft 1.0.6 refuses although the grammar (and newer nft) accepts them. The rule parser collects
// them while parsing one rule so that rulesets from newer nft still parse, while normalize reports them.

let current: string[] = [];

export function beginRefusals(): void {
  current = [];
}

export function refuse(message: string): void {
  current.push(message);
}

export function firstRefusal(): string | undefined {
  return current[0];
}

/** Types nft reports for selectors that cannot feed a mark (`datatype mismatch`). */
const SELECTOR_TYPES: readonly [RegExp, string][] = [
  [/^ip6? dscp\b/, 'Differentiated Services Code Point'],
  [/^ip saddr\b|^ip daddr\b/, 'IPv4 address'],
  [/^ip6 saddr\b|^ip6 daddr\b/, 'IPv6 address'],
  [/^ip protocol\b|^ip6 nexthdr\b|^meta l4proto\b/, 'Internet protocol'],
  [/^(tcp|udp|th|sctp|udplite) (sport|dport)\b/, 'internet network service'],
  [/^meta priority\b/, 'TC classid'],
  [/^(meta )?skuid\b/, 'user ID'],
  [/^(meta )?skgid\b/, 'group ID'],
  [/^(meta )?(iifname|oifname)\b/, 'network interface name'],
  [/^ct state\b/, 'conntrack state'],
];

/** nft's datatype-mismatch message when `text` cannot be the value of a mark, else null. */
export function markDatatypeMismatch(text: string, dst: 'meta' | 'ct'): string | null {
  for (const [re, type] of SELECTOR_TYPES) {
    if (re.test(text)) {
      return `datatype mismatch: expected ${dst === 'meta' ? 'packet mark' : 'conntrack mark'}, expression has type ${type}`;
    }
  }
  return null;
}
