// What each of the 32 cells of a strip shows: which field owns the bit (and its colour), where a field's span
// starts and ends (for labels and resize handles), and which outside claims (known consumers, live rules)
// fall on it.

import { BITS } from './strip-geometry';

/** Number of distinct field colours (classes `field-color-0 .. -N`). */
export const PALETTE_SIZE = 10;

export interface StripField {
  readonly id: number;
  readonly name: string;
  readonly mask: number;
  /** Index of the field in the whole layout: keeps a field's colour stable across both strips and traces. */
  readonly colorIndex: number;
}

export interface StripClaim {
  /** Who claims the bits (known consumer id, or `live`). */
  readonly label: string;
  readonly mask: number;
}

export interface StripCell {
  readonly bit: number;
  readonly fieldId: number | null;
  readonly fieldName: string | null;
  /** `field-color-N`, or null for a free bit. */
  readonly colorClass: string | null;
  /** Highest bit of its field's run (the left edge on screen). */
  readonly runHigh: boolean;
  /** Lowest bit of its field's run (the right edge on screen). */
  readonly runLow: boolean;
  readonly selected: boolean;
  /** Outside claims on this bit. */
  readonly claims: readonly string[];
  /** A field bit also claimed from outside. */
  readonly conflict: boolean;
  /** Bit value when the strip shows a concrete mark (else null). */
  readonly value: 0 | 1 | null;
}

export const colorClassOf = (colorIndex: number): string => `field-color-${colorIndex % PALETTE_SIZE}`;

/** The cells, bit 31 first (as drawn left to right). */
export function stripCells(
  fields: readonly StripField[],
  options: { selectedId?: number | null; claims?: readonly StripClaim[]; mark?: number | null } = {},
): StripCell[] {
  const owner: (StripField | null)[] = new Array(BITS).fill(null);
  for (const f of fields) {
    for (let bit = 0; bit < BITS; bit++) if ((f.mask >>> bit) & 1 && owner[bit] === null) owner[bit] = f;
  }
  const cells: StripCell[] = [];
  for (let bit = BITS - 1; bit >= 0; bit--) {
    const f = owner[bit] ?? null;
    const claims = (options.claims ?? []).filter((c) => (c.mask >>> bit) & 1).map((c) => c.label);
    const mark = options.mark;
    cells.push({
      bit,
      fieldId: f?.id ?? null,
      fieldName: f?.name ?? null,
      colorClass: f ? colorClassOf(f.colorIndex) : null,
      runHigh: f !== null && (bit === BITS - 1 || owner[bit + 1] !== f),
      runLow: f !== null && (bit === 0 || owner[bit - 1] !== f),
      selected: f !== null && f.id === options.selectedId,
      claims,
      conflict: f !== null && claims.length > 0,
      value: mark === null || mark === undefined ? null : (((mark >>> bit) & 1) as 0 | 1),
    });
  }
  return cells;
}

/** A summary of the strip for tests and accessible descriptions: one char per bit, `.` free, else a letter. */
export function stripSignature(cells: readonly StripCell[], fields: readonly StripField[]): string {
  const letter = new Map(fields.map((f, i) => [f.id, String.fromCharCode(65 + (i % 26))]));
  return cells.map((c) => (c.fieldId === null ? '.' : (letter.get(c.fieldId) ?? '?'))).join('');
}
