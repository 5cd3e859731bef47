import { InputError } from '../bits/errors';
import type { MaskedValue } from '../bits/masked-value';
import { gatherBits, isU32, spreadBits, u32 } from '../bits/u32';
import type { DecodedField } from '../reports/types';
import { isDefinedRaw, rawOfValue, valueOfRaw } from './field-values';
import type { Field, FieldSpace, FieldValues, Layout } from './types';

export type { DecodedField } from '../reports/types';

export function findField(layout: Layout, name: string): Field | undefined {
  return layout.fields.find((f) => f.name === name);
}

/** All bits the layout's fields occupy in one space. */
export function layoutMask(layout: Layout, space: FieldSpace): number {
  let mask = 0;
  for (const f of layout.fields) if (f.space === space) mask |= f.mask;
  return u32(mask);
}

/** The bits one field value occupies: `(raw spread over mask) / mask`. */
export function encodeField(field: Field, value: unknown, path = field.name): MaskedValue {
  return { value: spreadBits(rawOfValue(field, value, path), field.mask), mask: field.mask };
}

/**
 * `v/m` setting (or matching) the named fields in one space. Every named field must exist and live in `space`;
 * errors name the field and the value.
 */
export function encodeFields(layout: Layout, values: FieldValues, space: FieldSpace): MaskedValue {
  let value = 0;
  let mask = 0;
  for (const [name, given] of Object.entries(values)) {
    const field = findField(layout, name);
    if (!field) {
      const known = layout.fields.map((f) => f.name).join(', ') || 'none';
      throw new InputError(name, given, `is not a field of the layout (fields: ${known})`);
    }
    if (field.space !== space) {
      throw new InputError(name, given, `is a ${field.space} field, not a ${space} field`);
    }
    const encoded = encodeField(field, given, name);
    value |= encoded.value;
    mask |= encoded.mask;
  }
  return { value: u32(value), mask: u32(mask) };
}

/** Read every field of `space` out of a mark, in layout order. */
export function decodeMark(layout: Layout, mark: number, space: FieldSpace): DecodedField[] {
  if (!isU32(mark)) throw new InputError('mark', mark, 'must be an integer 0..0xffffffff');
  return layout.fields
    .filter((f) => f.space === space)
    .map((f) => {
      const raw = gatherBits(mark, f.mask);
      return { field: f.name, value: valueOfRaw(f, raw), raw, mask: f.mask, defined: isDefinedRaw(f, raw) };
    });
}
