import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseNftRuleBody } from '../lang/nft/rule';
import { evaluateWrite } from './algebra';
import type { MarkWrite } from './algebra-types';
import { binop, foldToWrite, linearize, markConst, markRef, printLinear, printWriteValue } from './nft-ops';

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const space = fc.constantFrom('meta' as const, 'ct' as const);

const write: fc.Arbitrary<MarkWrite> = fc.oneof(
  fc.record({ dst: space, keep: u32, xor: u32 }).map(({ dst, keep, xor }) => ({ dst, keep, src: null, xor })),
  fc
    .record({
      dst: space,
      src: space,
      take: u32,
      shift: fc.integer({ min: -31, max: 31 }),
      xor: u32,
      keep: fc.boolean(),
      k: u32,
    })
    .map(({ dst, src, take, shift, xor, keep, k }) => ({
      dst,
      keep: keep ? k : 0,
      src: { space: src, take, shift },
      xor,
    })),
);

function parsedWrite(dst: 'meta' | 'ct', value: string): MarkWrite {
  const rule = parseNftRuleBody(`${dst} mark set ${value}`);
  const e = rule.exprs[0];
  if (e?.kind !== 'markWrite') throw new Error(`not a mark write: ${value}`);
  return e.write;
}

describe('nft mark arithmetic', () => {
  it('folds a chain of constant ops into one mask/xor as the kernel does', () => {
    const e = binop('|', binop('&', markRef('meta'), markConst(0xffff00ff)), markConst(0x100));
    expect(linearize(e)).toEqual({
      kind: 'chain',
      space: 'meta',
      ops: [{ kind: 'maskXor', mask: 0xffff00ff, xor: 0x100 }],
    });
    expect(printLinear(linearize(e))).toBe('meta mark & 0xffff01ff | 0x00000100');
    expect(foldToWrite('meta', e)).toEqual({ dst: 'meta', keep: 0xffff00ff, src: null, xor: 0x100 });
  });
  it('refuses variable right-hand operands with nft 1.0.6 wording', () => {
    const e = binop(
      '|',
      binop('&', markRef('ct'), markConst(0xffff0000)),
      binop('&', markRef('meta'), markConst(0xffff)),
    );
    expect(() => linearize(e)).toThrow('Right hand side of binary operation (|) must be constant');
    expect(foldToWrite('ct', e)).toEqual({
      dst: 'ct',
      keep: 0xffff0000,
      src: { space: 'meta', take: 0xffff, shift: 0 },
      xor: 0,
    });
  });
  it('parse(print(write)) means the same write on random marks', () => {
    fc.assert(
      fc.property(write, u32, u32, (w, meta, ct) => {
        const back = parsedWrite(w.dst, printWriteValue(w));
        expect(evaluateWrite(back, { meta, ct })).toBe(evaluateWrite(w, { meta, ct }));
      }),
      { numRuns: 400 },
    );
  });
  it('printing is a fixed point: print(parse(print(w))) = print(w)', () => {
    fc.assert(
      fc.property(write, (w) => {
        const text = printWriteValue(w);
        expect(printWriteValue(parsedWrite(w.dst, text))).toBe(text);
      }),
      { numRuns: 300 },
    );
  });
});
