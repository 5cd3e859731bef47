// Creating, moving and resizing a contiguous field on a strip: pure span arithmetic with clamping, and the
// overlap check that refuses a placement which would share bits with another field in the same mark.

import { maskOf, u32 } from '@markwright/core';
import { BITS } from './strip-geometry';

export interface Span {
  readonly offset: number;
  readonly width: number;
}

export type Edge = 'low' | 'high';

export const spanMask = (s: Span): number => maskOf(s.offset, s.width);

/** The span between where a drag started and where the pointer is now (either direction). */
export function createSpan(anchorBit: number, currentBit: number): Span {
  const a = clampBit(anchorBit);
  const b = clampBit(currentBit);
  return { offset: Math.min(a, b), width: Math.abs(a - b) + 1 };
}

/** Moves by `deltaBits` (positive = towards bit 31), kept inside 0..31 without changing the width. */
export function moveSpan(span: Span, deltaBits: number): Span {
  const offset = Math.min(BITS - span.width, Math.max(0, span.offset + deltaBits));
  return { offset, width: span.width };
}

/**
 * Drags one edge to `toBit`; the other edge stays. The width never drops below 1: dragging an edge past the
 * other one stops at a single bit.
 */
export function resizeSpan(span: Span, edge: Edge, toBit: number): Span {
  const bit = clampBit(toBit);
  const high = span.offset + span.width - 1;
  if (edge === 'high') {
    const newHigh = Math.max(span.offset, bit);
    return { offset: span.offset, width: newHigh - span.offset + 1 };
  }
  const newLow = Math.min(high, bit);
  return { offset: newLow, width: high - newLow + 1 };
}

export interface PlacementOk {
  readonly ok: true;
  readonly mask: number;
}
export interface PlacementRefused {
  readonly ok: false;
  readonly mask: number;
  /** Names of the fields it would overlap. */
  readonly overlaps: readonly string[];
  readonly reason: string;
}
export type Placement = PlacementOk | PlacementRefused;

export interface PlacedField {
  readonly id: number;
  readonly name: string;
  readonly mask: number;
}

/** Accepts `mask` for field `selfId` unless it shares bits with another field of the same mark. */
export function checkPlacement(
  mask: number,
  selfId: number | null,
  others: readonly PlacedField[],
): Placement {
  const overlaps = others.filter((f) => f.id !== selfId && u32(f.mask & mask) !== 0).map((f) => f.name);
  if (overlaps.length === 0) return { ok: true, mask: u32(mask) };
  return {
    ok: false,
    mask: u32(mask),
    overlaps,
    reason: `would overlap ${overlaps.map((n) => `"${n}"`).join(', ')}`,
  };
}

export type KeyAction =
  | { kind: 'move'; delta: number }
  | { kind: 'resize'; edge: Edge; delta: number }
  | null;

/**
 * Keyboard editing of the selected field. The strip reads bit 31 on the left, so ArrowLeft goes towards the
 * high bits. Arrows move; Shift+Arrows grow or shrink at the high (left) edge; Alt+Arrows at the low edge.
 */
export function keyAction(key: string, shift: boolean, alt: boolean): KeyAction {
  const dir = key === 'ArrowLeft' ? 1 : key === 'ArrowRight' ? -1 : 0;
  if (dir === 0) return null;
  if (shift) return { kind: 'resize', edge: 'high', delta: dir };
  if (alt) return { kind: 'resize', edge: 'low', delta: dir };
  return { kind: 'move', delta: dir };
}

/** Applies a key action to a span (resizing by one bit at the chosen edge, never below one bit). */
export function applyKeyAction(span: Span, action: Exclude<KeyAction, null>): Span {
  if (action.kind === 'move') return moveSpan(span, action.delta);
  if (action.edge === 'high') return resizeSpan(span, 'high', span.offset + span.width - 1 + action.delta);
  return resizeSpan(span, 'low', span.offset + action.delta);
}

const clampBit = (bit: number): number => Math.min(BITS - 1, Math.max(0, Math.trunc(bit)));
