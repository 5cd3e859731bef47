/** Which mark a field lives in: the packet mark (fwmark) or the conntrack mark (connmark). */
export type FieldSpace = 'fwmark' | 'connmark';
export type FieldKind = 'flag' | 'enum' | 'int';

/**
 * A named group of bits. Contiguous fields are placed by offset+width; any field may instead name an
 * arbitrary (even non-contiguous) mask, and its values are spread over the mask's bits LSB-first (as mwan3).
 */
export interface Field {
  readonly name: string;
  readonly space: FieldSpace;
  readonly kind: FieldKind;
  /** The bits the field occupies (always set, derived from offset+width when those are given). */
  readonly mask: number;
  /** Kept when the document placed the field by offset (+width), so it is written back the same way. */
  readonly offset?: number;
  readonly width?: number;
  /** enum: value names to numbers (0 .. 2^bits-1). */
  readonly values?: Readonly<Record<string, number>>;
  /** int: allowed range, inclusive (defaults 0 .. 2^bits-1). */
  readonly min?: number;
  readonly max?: number;
  /** Saved to the connmark and restored on later packets of the connection. */
  readonly persist: boolean;
  /** Set on new connections only. */
  readonly newOnly: boolean;
  readonly description?: string;
}

/**
 * A named security label (secmark): an LSM context such as SELinux `system_u:object_r:http_packet_t:s0`,
 * installed as an nft `secmark` object of that name (or an xt SECMARK `--selctx`).
 */
export interface SecmarkLabel {
  /** Identifier, also the nft secmark object's name. */
  readonly name: string;
  /** The LSM context: `user:role:type[:level]`. */
  readonly context: string;
  /** Saved to the connection (CONNSECMARK) and restored on its later packets. */
  readonly persist: boolean;
}

export interface Layout {
  readonly fields: readonly Field[];
  /** Security labels policy rules may set; absent when none. */
  readonly secmarks?: readonly SecmarkLabel[];
}

/** Field values by field name: enum value names, integers, or 0/1/true/false for flags. */
export type FieldValues = Readonly<Record<string, string | number | boolean>>;
