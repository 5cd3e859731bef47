import { InputError } from '../bits/errors';
import { bitsOf, hex8, isU32, u32 } from '../bits/u32';
import { type DecodedField, decodeMark, layoutMask } from '../layout/encode';
import type { FieldSpace, Layout } from '../layout/types';
import { KNOWN_CONSUMERS } from './consumers';

/** A known consumer's use of one bit. */
export interface BitUse {
  readonly consumer: string;
  readonly name: string;
  readonly meaning: string;
  readonly source: string;
}

export interface BitExplanation {
  /** Bit index, 0 = least significant. */
  readonly bit: number;
  readonly mask: number;
  /** The layout field owning this bit, if any. */
  readonly field: string | null;
  readonly consumers: readonly BitUse[];
}

/** A consumer mark the value satisfies: `(mark & mask) == value`. */
export interface MatchedConsumerMark {
  readonly consumer: string;
  readonly name: string;
  readonly value: number;
  readonly mask: number;
  readonly meaning: string;
  readonly source: string;
}

export interface MarkExplanation {
  readonly mark: number;
  /** As nft prints it: `0x0000abcd`. */
  readonly hex: string;
  readonly space: FieldSpace;
  /** Every set bit, lowest first. */
  readonly bits: readonly BitExplanation[];
  /** Every layout field of the space, decoded (absent without a layout). */
  readonly fields: readonly DecodedField[];
  /** Set bits that no layout field owns. */
  readonly unassigned: number;
  readonly consumerMarks: readonly MatchedConsumerMark[];
}

/** Explain a mark bit by bit: the layout's fields and values, and which known consumers use the set bits. */
export function explainMark(mark: number, options: { layout?: Layout; space: FieldSpace }): MarkExplanation {
  if (!isU32(mark)) throw new InputError('mark', mark, 'must be an integer 0..0xffffffff');
  if (options.space !== 'fwmark' && options.space !== 'connmark') {
    throw new InputError('space', options.space, 'must be "fwmark" or "connmark"');
  }
  const { layout, space } = options;
  const bits = bitsOf(mark).map((bit): BitExplanation => {
    const mask = u32(1 << bit);
    const field = layout?.fields.find((f) => f.space === space && (f.mask & mask) !== 0)?.name ?? null;
    const consumers: BitUse[] = [];
    for (const c of KNOWN_CONSUMERS) {
      for (const use of c.bits) {
        if (use.space === space && (use.mask & mask) !== 0) {
          consumers.push({ consumer: c.id, name: c.name, meaning: use.meaning, source: c.source });
        }
      }
    }
    return { bit, mask, field, consumers };
  });
  const consumerMarks: MatchedConsumerMark[] = [];
  for (const c of KNOWN_CONSUMERS) {
    for (const m of c.marks) {
      if (m.space === space && m.value !== 0 && u32(mark & m.mask) === m.value) {
        consumerMarks.push({ consumer: c.id, ...m, source: c.source });
      }
    }
  }
  return {
    mark,
    hex: hex8(mark),
    space,
    bits,
    fields: layout ? decodeMark(layout, mark, space) : [],
    unassigned: u32(mark & ~(layout ? layoutMask(layout, space) : 0)),
    consumerMarks,
  };
}
