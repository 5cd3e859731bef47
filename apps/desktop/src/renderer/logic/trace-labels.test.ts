import type { PacketResult, TraceStep } from '@markwright/core';
import { describe, expect, it } from 'vitest';
import { hasLabels, labelsAfter } from './trace-labels';

const policy = (labels: { secmark?: string; ctsecmark?: string }): TraceStep => ({
  kind: 'policy',
  hook: 'input',
  family: 'inet',
  table: 'markwright',
  chain: 'label-input',
  verdict: 'accept',
  mark: 0,
  ctmark: 0,
  ...labels,
});
const route: TraceStep = {
  kind: 'route',
  reason: 'input',
  mark: 0,
  rule: null,
  table: 'main',
  route: null,
  oif: null,
  result: 'local',
};

describe('label column', () => {
  it('carries the labels of the last step that reports them through route and tc steps', () => {
    const steps: TraceStep[] = [
      { kind: 'conntrack', state: 'new', direction: 'original', ctmark: 0 },
      policy({ secmark: 'http_packet' }),
      {
        kind: 'secmark',
        space: 'ct',
        before: null,
        after: 'http_packet',
        rule: 'ct secmark set meta secmark',
      },
      route,
    ];
    expect(labelsAfter(steps, 0)).toEqual({});
    expect(labelsAfter(steps, 1)).toEqual({ secmark: 'http_packet' });
    expect(labelsAfter(steps, 2)).toEqual({ secmark: 'http_packet', ctsecmark: 'http_packet' });
    expect(labelsAfter(steps, 3)).toEqual({ secmark: 'http_packet', ctsecmark: 'http_packet' });
  });

  it('says whether a packet is labelled anywhere', () => {
    const packet = (steps: TraceStep[], extra: Partial<PacketResult> = {}): PacketResult => ({
      verdict: 'accept',
      mark: 0,
      ctmark: 0,
      oif: null,
      table: null,
      steps,
      ...extra,
    });
    expect(hasLabels(packet([route, policy({})]))).toBe(false);
    expect(hasLabels(packet([policy({ ctsecmark: 'x' })]))).toBe(true);
    expect(hasLabels(packet([], { secmark: 'x' }))).toBe(true);
  });
});
