// The encode/decode bench: field values spread over a field's mask LSB-first (so non-contiguous masks work as
// in mwan3), a typed mark decoded into field values, and the v/m a set of values makes, printed as the match
// and set text of iptables, nft and ip rule.

import {
  constantWrite,
  type Field,
  formatMaskedValue,
  gatherBits,
  InputError,
  type MarkSpace,
  parseU32,
  type Rule,
  rawOfValue,
  spreadBits,
  u32,
} from '@markwright/core';
import { emitIptablesRule, emitNftRule } from '@markwright/core/lang';
import { type DraftField, fieldValueFromText, valueFromText } from './draft';

export type ParseResult = { ok: true; value: number } | { ok: false; error: string };

/** A mark as typed in the bench: decimal or 0x-hex u32; the error says what is wrong with the text. */
export function parseMarkText(text: string, field = 'mark'): ParseResult {
  try {
    return { ok: true, value: parseU32(text, field) };
  } catch (e) {
    if (e instanceof InputError) return { ok: false, error: e.message };
    throw e;
  }
}

export interface DecodedField {
  readonly name: string;
  readonly raw: number;
  /** The enum value name for the raw number, when there is one. */
  readonly label: string | null;
}

export interface Decoded {
  readonly fields: readonly DecodedField[];
  /** Set bits no field of this mark owns. */
  readonly unowned: number;
}

export function decodeMark(fields: readonly DraftField[], mark: number): Decoded {
  let owned = 0;
  const out: DecodedField[] = fields.map((f) => {
    owned |= f.mask;
    const raw = gatherBits(mark, f.mask);
    const label =
      f.kind === 'enum' ? (f.values.find((v) => valueFromText(v.value) === raw)?.name ?? null) : null;
    return { name: f.name, raw, label };
  });
  return { fields: out, unowned: u32(mark & ~owned) };
}

export type EncodeResult =
  | { ok: true; value: number; mask: number }
  | { ok: false; errors: Readonly<Record<string, string>> };

/** Values picked per field name (blank = not part of the selection) to one v/m. */
export function encodeValues(
  fields: readonly DraftField[],
  picked: Readonly<Record<string, string>>,
): EncodeResult {
  let value = 0;
  let mask = 0;
  const errors: Record<string, string> = {};
  for (const f of fields) {
    const text = (picked[f.name] ?? '').trim();
    if (text === '') continue;
    const n = fieldNumber(f, text);
    if (typeof n === 'string') {
      errors[f.name] = n;
      continue;
    }
    value |= spreadBits(n, f.mask);
    mask |= f.mask;
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, value: u32(value), mask: u32(mask) };
}

/** The number a typed value stands for in a field (core's rule for field values), or an error message. */
export function fieldNumber(f: DraftField, text: string): number | string {
  try {
    return rawOfValue(coreField(f), fieldValueFromText(text), f.name);
  } catch (e) {
    if (e instanceof InputError) return e.message.slice(f.name.length + 2);
    throw e;
  }
}

/** A draft field as core sees it; values, min and max that are not numbers yet are left out. */
function coreField(f: DraftField): Field {
  const numeric = (text: string): number | undefined => {
    const n = valueFromText(text);
    return typeof n === 'number' ? n : undefined;
  };
  const values = Object.fromEntries(
    f.values.flatMap((v) => {
      const n = numeric(v.value);
      return n === undefined ? [] : [[v.name, n] as const];
    }),
  );
  const min = numeric(f.min);
  const max = numeric(f.max);
  return {
    name: f.name,
    space: f.space,
    kind: f.kind,
    mask: f.mask,
    values,
    ...(min !== undefined && { min }),
    ...(max !== undefined && { max }),
    persist: f.persist,
    newOnly: f.newOnly,
  };
}

export interface RuleTexts {
  readonly iptablesMatch: string;
  readonly iptablesSet: string;
  readonly nftMatch: string;
  readonly nftSet: string;
  /** ip rule only selects on the packet mark. */
  readonly ipRule: string | null;
}

/** How each tool writes a match on, and a write of, `value/mask` in the packet mark or the conntrack mark. */
export function ruleTexts(space: 'fwmark' | 'connmark', value: number, mask: number): RuleTexts {
  const mark: MarkSpace = space === 'fwmark' ? 'meta' : 'ct';
  const match: Rule = {
    exprs: [
      {
        kind: 'mark',
        key: { space: mark, mask, shift: 0 },
        values: { kind: 'ranges', ranges: [[value, value]] },
        invert: false,
      },
    ],
  };
  const set: Rule = { exprs: [{ kind: 'markWrite', write: constantWrite(mark, u32(~mask), value) }] };
  return {
    iptablesMatch: emitIptablesRule(match, { family: 4 }),
    iptablesSet: emitIptablesRule(set, { family: 4 }),
    nftMatch: emitNftRule(match),
    nftSet: emitNftRule(set),
    ipRule:
      space === 'fwmark' ? `ip rule add fwmark ${formatMaskedValue({ value, mask })} lookup TABLE` : null,
  };
}
