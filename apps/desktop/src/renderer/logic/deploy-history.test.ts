import type { DeploymentEntry } from '@markwright/api';
import type { PlanReport } from '@markwright/core';
import { describe, expect, it } from 'vitest';
import { outcomeLabel, planLines } from './deploy-history';

const NO_STATE = { nftScript: '', ipRules: { v4: [], v6: [] }, tcFilters: [] };
const entry = (change: Partial<DeploymentEntry>): DeploymentEntry => ({
  id: 'd1',
  target: 'netns:r',
  document: 'markwright-app',
  documentName: 'steer',
  appliedAt: '2026-01-01T00:00:00.000Z',
  outcome: 'confirmed',
  confirmedAt: '2026-01-01T00:00:09.000Z',
  endedAt: null,
  previousId: null,
  state: NO_STATE,
  message: null,
  layoutName: 'steer',
  layoutVersion: 1,
  note: null,
  by: 'root',
  purpose: null,
  live: true,
  ...change,
});

describe('history outcomes', () => {
  it('names each way a deployment ended', () => {
    expect(outcomeLabel(entry({}))).toBe('confirmed');
    expect(outcomeLabel(entry({ confirmedAt: '2026-01-01T00:00:00.000Z' }))).toBe('applied');
    expect(outcomeLabel(entry({ message: 'verified: 3 rules agree' }))).toBe('verified');
    expect(outcomeLabel(entry({ outcome: 'reverted' }))).toBe('reverted by timeout');
    expect(outcomeLabel(entry({ outcome: 'reverted', message: 'verification: mark 0x0 seen' }))).toBe(
      'reverted by verification',
    );
    expect(outcomeLabel(entry({ outcome: 'rolled-back' }))).toBe('rolled back');
    expect(outcomeLabel(entry({ outcome: 'rolled-back', message: 'uninstalled' }))).toBe('uninstalled');
    expect(outcomeLabel(entry({ outcome: 'failed' }))).toBe('failed');
    // The host's own outcomes for the live check.
    expect(outcomeLabel(entry({ outcome: 'verified' }))).toBe('verified');
    expect(outcomeLabel(entry({ outcome: 'reverted-by-verification' }))).toBe('reverted by verification');
    expect(outcomeLabel(entry({ outcome: 'superseded' }))).toBe('superseded');
  });
});

describe('plan lines', () => {
  it('puts each problem right after the lines of its part, the rest at the end', () => {
    const plan = {
      target: 'netns:r',
      document: 'steer',
      wanted: NO_STATE,
      live: NO_STATE,
      check: { ok: true, message: null },
      changes: [
        { kind: 'nft', action: 'add', text: 'table inet markwright' },
        { kind: 'tc', action: 'add', text: 'filter add dev eth1 parent 1: ...' },
        { kind: 'ip-rule', action: 'add', text: 'fwmark 0x10/0x10 lookup 100' },
      ],
      problems: [
        { part: 'tc', kind: 'document', field: 'policy.classes[0].parent', value: '1:', message: 'no qdisc' },
        {
          part: 'tc',
          kind: 'document',
          field: 'policy.classes[0].classid',
          value: '1:10',
          message: 'no class',
        },
        { part: 'sysctl', kind: 'document', field: 'policy.routes[0]', value: 1, message: 'rp_filter' },
      ],
    } satisfies PlanReport;
    expect(
      planLines(plan).map((l) => (l.kind === 'change' ? l.change.kind : `! ${l.problem.field}`)),
    ).toEqual([
      'nft',
      'tc',
      '! policy.classes[0].parent',
      '! policy.classes[0].classid',
      'ip-rule',
      '! policy.routes[0]',
    ]);
  });
});
