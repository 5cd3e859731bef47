import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { popcount, u32 } from '../bits/u32';
import { uplinkField } from '../testing/dual-wan';
import { decodeMark, encodeFields, layoutMask } from './encode';
import type { Field, Layout } from './types';

const base = { persist: false, newOnly: false } as const;
const layout: Layout = {
  fields: [
    uplinkField(),
    { ...base, name: 'bulk', space: 'fwmark', kind: 'flag', mask: 0x04000000, offset: 26, width: 1 },
    { ...base, name: 'iface', space: 'fwmark', kind: 'int', mask: 0x3f00, min: 1, max: 60 },
    { ...base, name: 'spread', space: 'fwmark', kind: 'int', mask: 0x80000005 },
    { ...base, name: 'zone', space: 'connmark', kind: 'int', mask: 0xff },
  ],
};

describe('encodeFields', () => {
  it('gives v/m for the named fields of one space', () => {
    expect(encodeFields(layout, { uplink: 'isp2', bulk: true }, 'fwmark')).toEqual({
      value: 0x06000000,
      mask: 0x07000000,
    });
    expect(encodeFields(layout, { iface: 60 }, 'fwmark')).toEqual({ value: 0x3c00, mask: 0x3f00 });
    expect(encodeFields(layout, { spread: 0b111 }, 'fwmark')).toEqual({
      value: 0x80000005,
      mask: 0x80000005,
    });
    expect(encodeFields(layout, { zone: 7 }, 'connmark')).toEqual({ value: 7, mask: 0xff });
    expect(encodeFields(layout, {}, 'fwmark')).toEqual({ value: 0, mask: 0 });
  });

  it('names the field and the value in every error', () => {
    expect(() => encodeFields(layout, { nope: 1 }, 'fwmark')).toThrow(
      'nope: is not a field of the layout (fields: uplink, bulk, iface, spread, zone) (got 1)',
    );
    expect(() => encodeFields(layout, { zone: 1 }, 'fwmark')).toThrow(
      'zone: is a connmark field, not a fwmark field (got 1)',
    );
    expect(() => encodeFields(layout, { uplink: 'isp3' }, 'fwmark')).toThrow(
      'uplink: is not a value of enum field "uplink" (known: isp1, isp2) (got "isp3")',
    );
    expect(() => encodeFields(layout, { uplink: 3 }, 'fwmark')).toThrow(
      /enum field "uplink" takes one of its value names \(got 3\)/,
    );
    expect(() => encodeFields(layout, { bulk: 2 }, 'fwmark')).toThrow(
      /flag field "bulk" takes 0, 1, true or false \(got 2\)/,
    );
    expect(() => encodeFields(layout, { iface: 61 }, 'fwmark')).toThrow(
      'iface: is outside the range of int field "iface" (1..60) (got 61)',
    );
    expect(() => encodeFields(layout, { iface: 1.5 }, 'fwmark')).toThrow(
      /int field "iface" takes an integer \(got 1.5\)/,
    );
    expect(() => encodeFields(layout, { spread: 8 }, 'fwmark')).toThrow(/\(0\.\.7\) \(got 8\)/);
  });
});

describe('decodeMark', () => {
  it('reads every field of the space, naming enum values', () => {
    expect(decodeMark(layout, 0x06003c00, 'fwmark')).toEqual([
      { field: 'uplink', value: 'isp2', raw: 2, mask: 0x03000000, defined: true },
      { field: 'bulk', value: 1, raw: 1, mask: 0x04000000, defined: true },
      { field: 'iface', value: 60, raw: 60, mask: 0x3f00, defined: true },
      { field: 'spread', value: 0, raw: 0, mask: 0x80000005, defined: true },
    ]);
  });

  it('marks numbers the field does not define', () => {
    const [uplink, , iface] = decodeMark(layout, 0x03000000, 'fwmark');
    expect(uplink).toMatchObject({ value: 3, defined: false });
    expect(iface).toMatchObject({ value: 0, defined: false });
  });

  it('refuses marks that are not u32', () => {
    expect(() => decodeMark(layout, -1, 'fwmark')).toThrow('mark: must be an integer 0..0xffffffff (got -1)');
  });

  it('layoutMask is the union of a space', () => {
    expect(layoutMask(layout, 'fwmark')).toBe(0x87003f05);
    expect(layoutMask(layout, 'connmark')).toBe(0xff);
  });
});

/** Random fields of every kind and placement, contiguous or not. */
const fieldArb: fc.Arbitrary<Field> = fc
  .tuple(fc.integer({ min: 1, max: 0xffffffff }), fc.constantFrom('flag', 'enum', 'int'), fc.boolean())
  .chain(([mask, kind, contiguous]) => {
    let m = mask;
    if (contiguous) {
      const width = (mask % 32) + 1;
      const offset = (mask >>> 5) % (33 - width);
      m = u32((2 ** width - 1) * 2 ** offset);
    }
    if (kind === 'flag') m = u32(m & -m);
    const capacity = 2 ** popcount(m) - 1;
    const field = { name: 'f', space: 'fwmark', persist: false, newOnly: false, mask: m } as const;
    if (kind === 'flag') return fc.constant<Field>({ ...field, kind: 'flag' });
    if (kind === 'int') return fc.constant<Field>({ ...field, kind: 'int' });
    return fc.uniqueArray(fc.integer({ min: 0, max: capacity }), { minLength: 1, maxLength: 6 }).map(
      (nums): Field => ({
        ...field,
        kind: 'enum',
        values: Object.fromEntries(nums.map((n) => [`v${n}`, n])),
      }),
    );
  });

describe('encode/decode round trip', () => {
  it('decoding an encoded value gives it back, for every kind and placement', () => {
    fc.assert(
      fc.property(fieldArb, fc.nat(), fc.integer({ min: 0, max: 0xffffffff }), (field, pick, noise) => {
        const l: Layout = { fields: [field] };
        let value: string | number;
        if (field.kind === 'flag') value = pick % 2;
        else if (field.kind === 'enum') {
          const names = Object.keys(field.values!);
          value = names[pick % names.length]!;
        } else value = pick % 2 ** popcount(field.mask);
        const mv = encodeFields(l, { f: value }, 'fwmark');
        expect(mv.mask).toBe(field.mask);
        // Bits outside the field must not disturb it.
        const mark = u32((noise & ~mv.mask) | mv.value);
        expect(decodeMark(l, mark, 'fwmark')[0]!.value).toBe(value);
      }),
    );
  });
});
