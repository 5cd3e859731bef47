/** Which mark bits one rule (or ip rule, or tc filter) reads and writes. */
export interface RuleBitUsage {
  /** Where the rule lives, e.g. `ip mangle PREROUTING #3`, `inet fw4 mangle_prerouting #2`, `ip rule 10002`. */
  readonly where: string;
  /** The rule as text in its own syntax. */
  readonly rule: string;
  readonly reads: { readonly fwmark: number; readonly ctmark: number };
  readonly writes: { readonly fwmark: number; readonly ctmark: number };
  /** The rule replaces the whole mark (e.g. `--set-mark V`, `meta mark set ct mark`). */
  readonly wholeMarkWrite: { readonly fwmark: boolean; readonly ctmark: boolean };
  /** An expression we do not model may touch marks: the bits above are a lower bound. */
  readonly uncertain: boolean;
  /** Why the bits are an assumption (an xt extension seen only by name), and how to get the exact answer. */
  readonly note?: string;
}

/** The union over many rules (see `bitsInUse`). */
export interface BitsInUse {
  readonly reads: { readonly fwmark: number; readonly ctmark: number };
  readonly writes: { readonly fwmark: number; readonly ctmark: number };
  /** reads | writes. */
  readonly any: { readonly fwmark: number; readonly ctmark: number };
  readonly wholeMarkWrite: { readonly fwmark: boolean; readonly ctmark: boolean };
  readonly uncertain: boolean;
}
