import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyWrite,
  bitsWritten,
  composeConstant,
  constantWrite,
  evaluateWrite,
  identityWrite,
  overwritesWholeMark,
  sourcedWrite,
} from './algebra';
import type { MarkSpace, Marks, MarkWrite } from './algebra-types';
import { gatherBits, isContiguous, lowestBit, popcount, spreadBits, u32 } from './u32';

const u32Arb = fc.integer({ min: 0, max: 0xffffffff });
const spaceArb = fc.constantFrom<MarkSpace>('meta', 'ct');
const marksArb = fc.record({ meta: u32Arb, ct: u32Arb });
const constantArb = (dst: MarkSpace) =>
  fc.tuple(u32Arb, u32Arb).map(([keep, xor]) => constantWrite(dst, keep, xor));
const writeArb: fc.Arbitrary<MarkWrite> = fc.oneof(
  spaceArb.chain(constantArb),
  fc
    .tuple(spaceArb, u32Arb, spaceArb, u32Arb, fc.integer({ min: -40, max: 40 }), u32Arb)
    .map(([dst, keep, space, take, shift, xor]) => sourcedWrite(dst, keep, { space, take, shift }, xor)),
);

describe('mark algebra laws', () => {
  it('composing two constant writes equals applying them in sequence', () => {
    fc.assert(
      fc.property(spaceArb, marksArb, (dst, marks) =>
        fc.assert(
          fc.property(constantArb(dst), constantArb(dst), (a, b) => {
            const composed = composeConstant(a, b);
            expect(composed).not.toBeNull();
            expect(applyWrite(composed!, marks)).toEqual(applyWrite(b, applyWrite(a, marks)));
          }),
          { numRuns: 20 },
        ),
      ),
      { numRuns: 20 },
    );
  });

  it('composition is associative', () => {
    fc.assert(
      fc.property(constantArb('meta'), constantArb('meta'), constantArb('meta'), (a, b, c) => {
        expect(composeConstant(composeConstant(a, b)!, c)).toEqual(
          composeConstant(a, composeConstant(b, c)!),
        );
      }),
    );
  });

  it('refuses to compose writes that read a mark or target different marks', () => {
    expect(composeConstant(constantWrite('meta', 0, 1), constantWrite('ct', 0, 1))).toBeNull();
    expect(
      composeConstant(
        sourcedWrite('meta', 0, { space: 'ct', take: 0xff, shift: 0 }),
        constantWrite('meta', 0, 1),
      ),
    ).toBeNull();
  });

  it('the identity write changes nothing and is neutral in composition', () => {
    fc.assert(
      fc.property(spaceArb, marksArb, u32Arb, u32Arb, (dst, marks, keep, xor) => {
        expect(applyWrite(identityWrite(dst), marks)).toEqual(marks);
        const w = constantWrite(dst, keep, xor);
        expect(composeConstant(identityWrite(dst), w)).toEqual(w);
        expect(composeConstant(w, identityWrite(dst))).toEqual(w);
      }),
    );
  });

  it('bitsWritten covers every bit that can change', () => {
    fc.assert(
      fc.property(writeArb, marksArb, (write, marks: Marks) => {
        const before = write.dst === 'meta' ? marks.meta : marks.ct;
        const changed = u32(evaluateWrite(write, marks) ^ before);
        expect(u32(changed & ~bitsWritten(write))).toBe(0);
      }),
    );
  });

  it('a write that overwrites the whole mark gives the same result whatever the old value', () => {
    fc.assert(
      fc.property(writeArb, marksArb, u32Arb, (write, marks, other) => {
        if (!overwritesWholeMark(write)) return;
        const changed = write.dst === 'meta' ? { ...marks, meta: other } : { ...marks, ct: other };
        expect(evaluateWrite(write, changed)).toBe(evaluateWrite(write, marks));
      }),
    );
  });

  it('writes only touch their destination', () => {
    fc.assert(
      fc.property(writeArb, marksArb, (write, marks) => {
        const after = applyWrite(write, marks);
        if (write.dst === 'meta') expect(after.ct).toBe(marks.ct);
        else expect(after.meta).toBe(marks.meta);
      }),
    );
  });
});

describe('spreading values over masks', () => {
  it('gather inverts spread for values that fit the mask', () => {
    fc.assert(
      fc.property(u32Arb, u32Arb, (mask, value) => {
        const fit = value % 2 ** popcount(mask);
        const spread = spreadBits(fit, mask);
        expect(u32(spread & ~mask)).toBe(0);
        expect(gatherBits(spread, mask)).toBe(fit);
      }),
    );
  });

  it('spread inverts gather for any mark, on the mask bits', () => {
    fc.assert(
      fc.property(u32Arb, u32Arb, (mask, mark) => {
        expect(spreadBits(gatherBits(mark, mask), mask)).toBe(u32(mark & mask));
      }),
    );
  });

  it('places values LSB-first on non-contiguous masks as mwan3 does', () => {
    expect(spreadBits(0b101, 0b1010_0010)).toBe(0b1000_0010);
    expect(spreadBits(60, 0x3f00)).toBe(0x3c00);
    expect(gatherBits(0x3e00, 0x3f00)).toBe(62);
  });

  it('knows contiguous masks and the lowest bit', () => {
    expect(isContiguous(0x3f00)).toBe(true);
    expect(isContiguous(0xffffffff)).toBe(true);
    expect(isContiguous(0x80000000)).toBe(true);
    expect(isContiguous(0x5)).toBe(false);
    expect(isContiguous(0)).toBe(false);
    expect(lowestBit(0x3f00)).toBe(8);
    expect(lowestBit(0x80000000)).toBe(31);
    expect(lowestBit(0)).toBe(-1);
  });
});
