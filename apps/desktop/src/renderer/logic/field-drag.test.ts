import { describe, expect, it } from 'vitest';
import {
  applyKeyAction,
  checkPlacement,
  createSpan,
  keyAction,
  moveSpan,
  resizeSpan,
  spanMask,
} from './field-drag';
import { bitAtX, columnOfBit } from './strip-geometry';

describe('pointer position to bit', () => {
  // A strip 320 px wide starting at x=100: each cell is 10 px, bit 31 on the left.
  it('maps the leftmost cell to bit 31 and the rightmost to bit 0', () => {
    expect(bitAtX(100, 100, 320)).toBe(31);
    expect(bitAtX(109.9, 100, 320)).toBe(31);
    expect(bitAtX(110, 100, 320)).toBe(30);
    expect(bitAtX(419, 100, 320)).toBe(0);
  });
  it('clamps positions outside the strip', () => {
    expect(bitAtX(20, 100, 320)).toBe(31);
    expect(bitAtX(900, 100, 320)).toBe(0);
    expect(bitAtX(150, 100, 0)).toBe(0);
  });
  it('places bits in columns from the left', () => {
    expect(columnOfBit(31)).toBe(0);
    expect(columnOfBit(0)).toBe(31);
  });
});

describe('drag to create', () => {
  it('spans from the anchor to the pointer in either direction', () => {
    expect(createSpan(4, 7)).toEqual({ offset: 4, width: 4 });
    expect(createSpan(7, 4)).toEqual({ offset: 4, width: 4 });
    expect(createSpan(9, 9)).toEqual({ offset: 9, width: 1 });
    expect(spanMask(createSpan(7, 4))).toBe(0xf0);
  });
  it('clamps bits to 0..31', () => {
    expect(createSpan(-3, 2)).toEqual({ offset: 0, width: 3 });
    expect(createSpan(28, 40)).toEqual({ offset: 28, width: 4 });
    expect(spanMask(createSpan(0, 31))).toBe(0xffffffff);
  });
});

describe('drag to move', () => {
  it('moves without changing the width', () => {
    expect(moveSpan({ offset: 8, width: 4 }, 3)).toEqual({ offset: 11, width: 4 });
    expect(moveSpan({ offset: 8, width: 4 }, -5)).toEqual({ offset: 3, width: 4 });
  });
  it('stops at either end of the mark', () => {
    expect(moveSpan({ offset: 8, width: 4 }, 40)).toEqual({ offset: 28, width: 4 });
    expect(moveSpan({ offset: 8, width: 4 }, -40)).toEqual({ offset: 0, width: 4 });
  });
});

describe('drag to resize', () => {
  it('moves the high edge and keeps the low one', () => {
    expect(resizeSpan({ offset: 8, width: 4 }, 'high', 15)).toEqual({ offset: 8, width: 8 });
    expect(resizeSpan({ offset: 8, width: 4 }, 'high', 9)).toEqual({ offset: 8, width: 2 });
  });
  it('moves the low edge and keeps the high one', () => {
    expect(resizeSpan({ offset: 8, width: 4 }, 'low', 2)).toEqual({ offset: 2, width: 10 });
    expect(resizeSpan({ offset: 8, width: 4 }, 'low', 10)).toEqual({ offset: 10, width: 2 });
  });
  it('never goes below one bit when an edge passes the other', () => {
    expect(resizeSpan({ offset: 8, width: 4 }, 'high', 3)).toEqual({ offset: 8, width: 1 });
    expect(resizeSpan({ offset: 8, width: 4 }, 'low', 30)).toEqual({ offset: 11, width: 1 });
  });
  it('clamps to the mark', () => {
    expect(resizeSpan({ offset: 28, width: 2 }, 'high', 99)).toEqual({ offset: 28, width: 4 });
    expect(resizeSpan({ offset: 2, width: 2 }, 'low', -9)).toEqual({ offset: 0, width: 4 });
  });
});

describe('overlap refusal', () => {
  const others = [
    { id: 1, name: 'uplink', mask: 0x0300_0000 },
    { id: 2, name: 'bulk', mask: 0x0400_0000 },
  ];
  it('accepts free bits', () => {
    expect(checkPlacement(0xff, null, others)).toEqual({ ok: true, mask: 0xff });
  });
  it('refuses bits another field holds and names it', () => {
    const p = checkPlacement(0x0600_0000, null, others);
    expect(p.ok).toBe(false);
    if (!p.ok) {
      expect(p.overlaps).toEqual(['uplink', 'bulk']);
      expect(p.reason).toBe('would overlap "uplink", "bulk"');
    }
  });
  it('ignores the field being moved', () => {
    expect(checkPlacement(0x0200_0000, 1, others).ok).toBe(true);
    expect(checkPlacement(0x0200_0000, 2, others).ok).toBe(false);
  });
});

describe('keyboard', () => {
  it('maps arrows to moves and modified arrows to resizes, left being towards bit 31', () => {
    expect(keyAction('ArrowLeft', false, false)).toEqual({ kind: 'move', delta: 1 });
    expect(keyAction('ArrowRight', false, false)).toEqual({ kind: 'move', delta: -1 });
    expect(keyAction('ArrowLeft', true, false)).toEqual({ kind: 'resize', edge: 'high', delta: 1 });
    expect(keyAction('ArrowRight', false, true)).toEqual({ kind: 'resize', edge: 'low', delta: -1 });
    expect(keyAction('Enter', false, false)).toBeNull();
  });
  it('applies moves and resizes with clamping', () => {
    const s = { offset: 4, width: 2 };
    expect(applyKeyAction(s, { kind: 'move', delta: 1 })).toEqual({ offset: 5, width: 2 });
    expect(applyKeyAction(s, { kind: 'resize', edge: 'high', delta: 1 })).toEqual({ offset: 4, width: 3 });
    expect(applyKeyAction(s, { kind: 'resize', edge: 'high', delta: -1 })).toEqual({ offset: 4, width: 1 });
    expect(applyKeyAction({ offset: 4, width: 1 }, { kind: 'resize', edge: 'high', delta: -1 })).toEqual({
      offset: 4,
      width: 1,
    });
    expect(applyKeyAction(s, { kind: 'resize', edge: 'low', delta: -1 })).toEqual({ offset: 3, width: 3 });
    expect(applyKeyAction({ offset: 0, width: 2 }, { kind: 'move', delta: -1 })).toEqual({
      offset: 0,
      width: 2,
    });
  });
});
