import { constantWrite } from '../bits/algebra';
import type { MarkSpace, MarkWrite } from '../bits/algebra-types';
import { InputError } from '../bits/errors';
import type { MaskedValue } from '../bits/masked-value';
import { u32 } from '../bits/u32';
import type { Match } from '../ir/types';
import { encodeField, findField } from '../layout/encode';
import type { Field, FieldSpace, FieldValues, Layout } from '../layout/types';

/** Where each layout space lives in the kernel: fwmark fields in skb->mark, connmark fields in ct->mark. */
export const markSpaceOf = (space: FieldSpace): MarkSpace => (space === 'fwmark' ? 'meta' : 'ct');

/** `v/m` per space for a set of field values; `path` is where the values sit (`policy.rules[0].set`). */
export interface BitsBySpace {
  readonly fwmark: MaskedValue;
  readonly connmark: MaskedValue;
}

function fieldOf(layout: Layout, name: string, value: unknown, path: string): Field {
  const field = findField(layout, name);
  if (!field) {
    const known = layout.fields.map((f) => f.name).join(', ') || 'none';
    throw new InputError(`${path}.${name}`, value, `is not a field of the layout (fields: ${known})`);
  }
  return field;
}

/** Encode field values per space, keeping only the fields `keep` accepts. */
export function encodeBySpace(
  layout: Layout,
  values: FieldValues,
  path: string,
  keep: (field: Field) => boolean = () => true,
): BitsBySpace {
  const acc = { fwmark: { value: 0, mask: 0 }, connmark: { value: 0, mask: 0 } };
  for (const [name, given] of Object.entries(values)) {
    const field = fieldOf(layout, name, given, path);
    if (!keep(field)) continue;
    const encoded = encodeField(field, given, `${path}.${name}`);
    const slot = acc[field.space];
    slot.value = u32(slot.value | encoded.value);
    slot.mask = u32(slot.mask | encoded.mask);
  }
  return acc;
}

/** The mark matches `(mark & m) == v` that check field values, one per space that has any. */
export function fieldMatches(layout: Layout, values: FieldValues, path: string): Match[] {
  const bits = encodeBySpace(layout, values, path);
  const out: Match[] = [];
  for (const space of ['fwmark', 'connmark'] as const) {
    const { value, mask } = bits[space];
    if (mask === 0) continue;
    out.push({
      kind: 'mark',
      key: { space: markSpaceOf(space), mask, shift: 0 },
      values: { kind: 'ranges', ranges: [[value, value]] },
      invert: false,
    });
  }
  return out;
}

/** Masked writes setting the fields: `x' = (x & ~m) ^ v`, so no bit outside the fields changes. */
export function fieldWrites(bits: BitsBySpace): MarkWrite[] {
  const out: MarkWrite[] = [];
  for (const space of ['fwmark', 'connmark'] as const) {
    const { value, mask } = bits[space];
    if (mask !== 0) out.push(constantWrite(markSpaceOf(space), ~mask, value));
  }
  return out;
}

/** Bits of the persisted fwmark fields: saved to and restored from the same positions of the ct mark. */
export function persistMask(layout: Layout): number {
  let mask = 0;
  for (const f of layout.fields) if (f.persist && f.space === 'fwmark') mask |= f.mask;
  return u32(mask);
}
