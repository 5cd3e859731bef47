import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isContiguous, popcount, u32 } from '../bits/u32';
import { allocateSlot } from './allocate';

describe('allocateSlot', () => {
  it('picks the first contiguous run of free bits', () => {
    expect(allocateSlot(0, 4)).toBe(0xf);
    expect(allocateSlot(0xffff4f00, 2)).toBe(0x3);
    expect(allocateSlot(0xffff0fff, 2)).toBe(0x3000);
    expect(allocateSlot(0xffff0fff, 2, { highFirst: true })).toBe(0xc000);
    expect(allocateSlot(0, 32)).toBe(0xffffffff);
  });

  it('falls back to scattered bits, unless asked not to', () => {
    expect(allocateSlot(0xfffffffa, 2)).toBe(0x5);
    expect(allocateSlot(0xfffffffa, 2, { contiguousOnly: true })).toBeNull();
    expect(allocateSlot(0x7ffffffe, 2, { highFirst: true })).toBe(0x80000001);
  });

  it('returns null when too few bits are free', () => {
    expect(allocateSlot(0xffffffff, 1)).toBeNull();
    expect(allocateSlot(0xfffffff0, 5)).toBeNull();
  });

  it('refuses widths outside 1..32 naming the width', () => {
    expect(() => allocateSlot(0, 0)).toThrow('width: must be an integer 1..32 (got 0)');
    expect(() => allocateSlot(0, 33)).toThrow(/got 33/);
    expect(() => allocateSlot(0, 1.5)).toThrow(/got 1.5/);
  });

  it('never overlaps what is taken, and gives exactly width bits, contiguous when possible', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: 1, max: 32 }),
        fc.boolean(),
        (taken, width, highFirst) => {
          const slot = allocateSlot(taken, width, { highFirst });
          const free = 32 - popcount(taken);
          if (free < width) {
            expect(slot).toBeNull();
            return;
          }
          expect(slot).not.toBeNull();
          expect(u32(slot! & taken)).toBe(0);
          expect(popcount(slot!)).toBe(width);
          const contiguous = allocateSlot(taken, width, { contiguousOnly: true, highFirst });
          if (contiguous !== null) {
            expect(slot).toBe(contiguous);
            expect(isContiguous(slot!)).toBe(true);
          }
        },
      ),
    );
  });
});
