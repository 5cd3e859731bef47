/** The two 32-bit marks a rule can read or write: the packet mark (skb->mark) and the conntrack mark. */
export type MarkSpace = 'meta' | 'ct';

/** A value taken from another (or the same) mark: `shift(src & take)`; shift > 0 is left, < 0 right. */
export interface MarkSource {
  readonly space: MarkSpace;
  readonly take: number;
  readonly shift: number;
}

/**
 * Every kernel write to a mark: `dst' = (dst & keep) ^ shift(src & take) ^ xor`.
 * xt MARK/CONNMARK (all modes), nft `meta mark set ...` / `ct mark set ...` are this with particular constants.
 */
export interface MarkWrite {
  readonly dst: MarkSpace;
  readonly keep: number;
  readonly src: MarkSource | null;
  readonly xor: number;
}

/** A mark match: `((x & mask) == value) != invert`. `ip rule fwmark v/m` and `tc fw handle v/m` are matches too. */
export interface MarkMatch {
  readonly space: MarkSpace;
  readonly mask: number;
  readonly value: number;
  readonly invert: boolean;
}

/** The marks of one packet at one moment. */
export interface Marks {
  meta: number;
  ct: number;
}
