import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatMaskedValue, hasBitsOutsideMask, maskedValue, parseMaskedValue } from './masked-value';

describe('MaskedValue', () => {
  it('parses V and V/M in decimal or hex, the mask defaulting to all ones', () => {
    expect(parseMaskedValue('0x4000', 'mark')).toEqual({ value: 0x4000, mask: 0xffffffff });
    expect(parseMaskedValue('0x200/0xf00', 'mark')).toEqual({ value: 0x200, mask: 0xf00 });
    expect(parseMaskedValue(' 1337/4095 ', 'mark')).toEqual({ value: 1337, mask: 4095 });
  });

  it('refuses malformed text naming the field and the input', () => {
    expect(() => parseMaskedValue('1/2/3', 'fwmark')).toThrow(
      'fwmark: expected VALUE or VALUE/MASK (got "1/2/3")',
    );
    expect(() => parseMaskedValue('/0xff', 'fwmark')).toThrow(
      'fwmark: expected VALUE or VALUE/MASK (got "/0xff")',
    );
    expect(() => parseMaskedValue('0x1/', 'fwmark')).toThrow(/expected VALUE or VALUE\/MASK/);
    expect(() => parseMaskedValue('0x1/-1', 'fwmark')).toThrow('fwmark: must not be negative (got "-1")');
    expect(() => parseMaskedValue('0x1/0x1ffffffff', 'fwmark')).toThrow(/larger than 0xffffffff/);
  });

  it('formats as iptables-save and iproute2 print: bare value when the mask is full', () => {
    expect(formatMaskedValue(maskedValue(0x4000))).toBe('0x4000');
    expect(formatMaskedValue(maskedValue(0x200, 0xf00))).toBe('0x200/0xf00');
    expect(formatMaskedValue(maskedValue(0, 0))).toBe('0x0/0x0');
  });

  it('round-trips through text', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: 0, max: 0xffffffff }),
        (v, m) => {
          const mv = maskedValue(v, m);
          expect(parseMaskedValue(formatMaskedValue(mv), 'x')).toEqual(mv);
        },
      ),
    );
  });

  it('spots values that can never match their mask', () => {
    expect(hasBitsOutsideMask(maskedValue(0x1ff, 0xff00))).toBe(true);
    expect(hasBitsOutsideMask(maskedValue(0x100, 0xff00))).toBe(false);
  });
});
