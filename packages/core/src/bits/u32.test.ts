import { describe, expect, it } from 'vitest';
import { InputError } from './errors';
import { hex, hex8, maskOf, parseU32 } from './u32';

describe('parseU32', () => {
  it('reads decimal and hex', () => {
    expect(parseU32('51820', 'mark')).toBe(0xca6c);
    expect(parseU32('0xFFFFFFFF', 'mark')).toBe(0xffffffff);
  });
  it('refuses negatives, overflow and garbage naming the field', () => {
    expect(() => parseU32('-1', 'rules[0].mark')).toThrow(
      /rules\[0\]\.mark: must not be negative \(got "-1"\)/,
    );
    expect(() => parseU32('0x100000000', 'mark')).toThrow(/larger than 0xffffffff/);
    expect(() => parseU32('4294967296', 'mark')).toThrow(/larger/);
    expect(() => parseU32('12abc', 'mark')).toThrow(/not a number/);
  });
  it('formats as iptables and nft print', () => {
    expect(hex(0x4000)).toBe('0x4000');
    expect(hex8(0x4000)).toBe('0x00004000');
    expect(maskOf(24, 2)).toBe(0x03000000);
    expect(maskOf(0, 32)).toBe(0xffffffff);
  });
});

describe('InputError', () => {
  it('names the field and the value, and can be placed under a file name', () => {
    const e = new InputError('rules[0].mark', 'x', 'is not a number');
    expect(e.message).toBe('rules[0].mark: is not a number (got "x")');
    const inner = e.within('host.rules');
    expect(inner.field).toBe('host.rules: rules[0].mark');
    expect(inner.message).toBe('host.rules: rules[0].mark: is not a number (got "x")');
    expect(inner).toBeInstanceOf(InputError);
  });
});
