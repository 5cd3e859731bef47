import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateWrite } from './algebra';
import {
  connmarkTargetWrite,
  formatConnmarkTarget,
  formatMarkMatch,
  formatMarkTarget,
  markTargetWrite,
  parseConnmarkTargetOptions,
  parseMarkMatchOptions,
  parseMarkTargetOptions,
  parseXtMarkMask,
  type XtConnmarkTargetInfo,
  xtTargetForWrite,
} from './xt-mark';

const u32 = fc.integer({ min: 0, max: 0xffffffff });

// The kernel formulas written out on their own (xt_mark.c mark_tg, xt_connmark.c connmark_tg_shift).
function kernelMark(mark: number, info: { mark: number; mask: number }): number {
  return ((mark & ~info.mask) ^ info.mark) >>> 0;
}
function kernelShift(x: number, dir: 'left' | 'right', bits: number): number {
  return (dir === 'left' ? x << bits : x >>> bits) >>> 0;
}
function kernelConnmark(skb: number, ct: number, i: XtConnmarkTargetInfo): { skb: number; ct: number } {
  if (i.mode === 'set') {
    return { skb, ct: kernelShift(((ct & ~i.ctmask) ^ i.ctmark) >>> 0, i.shiftDir, i.shiftBits) };
  }
  if (i.mode === 'save') {
    const t = kernelShift((skb & i.nfmask) >>> 0, i.shiftDir, i.shiftBits);
    return { skb, ct: ((ct & ~i.ctmask) ^ t) >>> 0 };
  }
  const t = kernelShift((ct & i.ctmask) >>> 0, i.shiftDir, i.shiftBits);
  return { skb: ((skb & ~i.nfmask) ^ t) >>> 0, ct };
}

const connmarkInfo = fc.record({
  mode: fc.constantFrom('set' as const, 'save' as const, 'restore' as const),
  ctmark: u32,
  ctmask: u32,
  nfmask: u32,
  shiftDir: fc.constantFrom('left' as const, 'right' as const),
  shiftBits: fc.integer({ min: 0, max: 31 }),
});

describe('xt MARK target', () => {
  it('parses each spelling into (mark, mask) as libxt_MARK does', () => {
    expect(parseMarkTargetOptions(['--set-mark', '1'])).toEqual({ mark: 1, mask: 0xffffffff });
    expect(parseMarkTargetOptions(['--set-mark', '0x200/0x3f00'])).toEqual({ mark: 0x200, mask: 0x3f00 });
    expect(parseMarkTargetOptions(['--or-mark', '0x4000'])).toEqual({ mark: 0x4000, mask: 0x4000 });
    expect(parseMarkTargetOptions(['--and-mark', '0xff'])).toEqual({ mark: 0, mask: 0xffffff00 });
    expect(parseMarkTargetOptions(['--xor-mark', '0x4000'])).toEqual({ mark: 0x4000, mask: 0 });
    expect(parseMarkTargetOptions(['--set-mark', '010'])).toEqual({ mark: 8, mask: 0xffffffff });
    expect(formatMarkTarget(parseMarkTargetOptions(['--set-mark', '3/0xc']))).toBe('--set-xmark 0x3/0xf');
  });
  it('refuses what iptables refuses', () => {
    expect(() => parseMarkTargetOptions([])).toThrow(/needs one of/);
    expect(() => parseMarkTargetOptions(['--set-xmark', '4294967296'])).toThrow(/out of range/);
    expect(() => parseMarkTargetOptions(['--set-xmark', '-1'])).toThrow(/negative/);
    expect(() => parseMarkTargetOptions(['--and-mark', '3/4'])).toThrow(/trailing garbage/);
    expect(() => parseMarkTargetOptions(['--set-mark', '1', '--and-mark', '3'])).toThrow(/together/);
    expect(() => parseXtMarkMask('5/', 'x')).toThrow(/not a number/);
    expect(() => parseXtMarkMask('0x1/0x1/3', 'x')).toThrow(/trailing/);
  });
  it('evaluates as the kernel formula', () => {
    fc.assert(
      fc.property(u32, u32, u32, (mark, mask, skb) => {
        expect(evaluateWrite(markTargetWrite({ mark, mask }), { meta: skb, ct: 0 })).toBe(
          kernelMark(skb, { mark, mask }),
        );
      }),
    );
  });
  it('round-trips (mark, mask) -> MarkWrite -> (mark, mask)', () => {
    fc.assert(
      fc.property(u32, u32, (mark, mask) => {
        expect(xtTargetForWrite(markTargetWrite({ mark, mask }))).toEqual({
          target: 'MARK',
          info: { mark, mask },
        });
      }),
    );
  });
});

describe('xt CONNMARK target', () => {
  it('applies options in order and prints as connmark_tg_save_v2', () => {
    const fmt = (...t: string[]) => formatConnmarkTarget(parseConnmarkTargetOptions(t));
    expect(fmt('--save-mark')).toBe('--save-mark --nfmask 0xffffffff --ctmask 0xffffffff');
    expect(fmt('--restore-mark', '--ctmask', '0xff')).toBe(
      '--restore-mark --nfmask 0xffffffff --ctmask 0xff',
    );
    expect(fmt('--or-mark', '4', '--mask', '3')).toBe('--set-xmark 0x4/0x3');
    expect(fmt('--set-mark', '1', '--left-shift-mark', '3', '--right-shift-mark', '2')).toBe(
      '--set-xmark 0x1/0xffffffff --right-shift-mark 2',
    );
    expect(fmt('--restore-mark', '--mask', '0xff', '--right-shift-mark', '3')).toBe(
      '--restore-mark --nfmask 0xff --ctmask 0xff --right-shift-mark 3',
    );
  });
  it('refuses what iptables refuses', () => {
    const bad = (...t: string[]) => expect(() => parseConnmarkTargetOptions(t)).toThrow();
    bad();
    bad('--save-mark', '--set-mark', '1');
    bad('--save-mark', '--mask', '1', '--ctmask', '2');
    bad('--save-mark', '--mask', '0xff', '--mask', '0xf');
    bad('--set-mark', '1', '--left-shift-mark', '32');
    bad('--set-xmark', '1', '--set-xmark', '2');
  });
  it('evaluates as the kernel formula, shifts included', () => {
    fc.assert(
      fc.property(connmarkInfo, u32, u32, (info, skb, ct) => {
        const write = connmarkTargetWrite(info);
        const want = kernelConnmark(skb, ct, info);
        const got = evaluateWrite(write, { meta: skb, ct });
        expect(got).toBe(write.dst === 'meta' ? want.skb : want.ct);
        expect(write.dst).toBe(info.mode === 'restore' ? 'meta' : 'ct');
      }),
    );
  });
  it('round-trips tuple -> MarkWrite -> tuple (same meaning, same tuple where canonical)', () => {
    fc.assert(
      fc.property(connmarkInfo, u32, u32, (info, skb, ct) => {
        const back = xtTargetForWrite(connmarkTargetWrite(info));
        expect(back?.target).toBe('CONNMARK');
        if (back?.target !== 'CONNMARK') return;
        expect(kernelConnmark(skb, ct, back.info)).toEqual(kernelConnmark(skb, ct, info));
        if (info.mode !== 'set') {
          const { ctmark: _a, ...rest } = info;
          const { ctmark: _b, ...restBack } = back.info;
          // A zero shift has no direction: the canonical form is left.
          expect(restBack).toEqual({ ...rest, shiftDir: info.shiftBits === 0 ? 'left' : info.shiftDir });
        } else if (info.shiftBits === 0) {
          expect(back.info).toEqual({ ...info, nfmask: 0xffffffff, shiftDir: 'left' });
        }
      }),
    );
  });
});

describe('xt mark / connmark match', () => {
  it('parses and prints as libxt_mark', () => {
    const fmt = (...t: string[]) => formatMarkMatch(parseMarkMatchOptions(t, 'mark'));
    expect(fmt('--mark', '4294967295')).toBe('--mark 0xffffffff');
    expect(fmt('--mark', '0xffffffff/0xffffffff')).toBe('--mark 0xffffffff');
    expect(fmt('--mark', '0/0xffffffff')).toBe('--mark 0x0');
    expect(fmt('!', '--mark', '10/10')).toBe('! --mark 0xa/0xa');
    expect(() => parseMarkMatchOptions([], 'mark')).toThrow(/must be specified/);
    expect(() => parseMarkMatchOptions(['--mark', '5', '--mark', '6'], 'mark')).toThrow(/once/);
    expect(() => parseMarkMatchOptions(['--mark', '0xfffffffff'], 'connmark')).toThrow(/range/);
  });
});
