import type { PacketResult, TracedPacket, TraceStep } from '@markwright/core';
import { describe, expect, it } from 'vitest';
import { firstDifference } from './trace-compare';

const rule = (table: string, markAfter: number, matched = true): TraceStep => ({
  kind: 'rule',
  hook: 'prerouting',
  family: 'ip',
  table,
  chain: 'pre',
  priority: -150,
  rule: 'r',
  matched,
  markBefore: 0,
  markAfter,
  ctmarkBefore: 0,
  ctmarkAfter: 0,
});
const sim = (steps: TraceStep[]) =>
  ({ verdict: 'accept', mark: 0, ctmark: 0, oif: null, table: null, steps }) as PacketResult;
const live = (steps: TraceStep[]) =>
  ({
    ...sim([]),
    id: '1',
    startedAt: '',
    endedAt: '',
    packet: {},
    steps: steps.map((s) => ({ ...s, at: '' })),
  }) as unknown as TracedPacket;

describe('first difference between a simulated and a live path', () => {
  it('compares the rules that acted, skipping the ones that did not match', () => {
    const s = sim([rule('markwright', 0, false), rule('markwright', 2)]);
    expect(firstDifference(s, live([rule('markwright', 2)]))).toBeNull();
  });

  it('points at the foreign rule the simulation did not have', () => {
    const s = sim([rule('markwright', 2)]);
    expect(firstDifference(s, live([rule('markwright', 2), rule('rewriter', 1)]))).toEqual({
      simulated: null,
      live: 1,
    });
    expect(firstDifference(s, live([rule('markwright', 3)]))).toEqual({ simulated: 0, live: 0 });
  });
});
