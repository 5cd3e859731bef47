import { describe, expect, it } from 'vitest';
import type { RuleBitUsage } from '../analyze/types';
import { parseDocument } from '../document/check';
import { serializeDocument } from '../document/serialize';
import { checkReport } from './check-report';
import { consumerOfRule, detectConsumers } from './detect';
import { routeConflicts } from './route-conflicts';

const doc = (extra: Record<string, unknown> = {}) => ({
  format: 'markwright/1',
  name: 'presence',
  layout: { fields: [{ name: 'wan', kind: 'flag', offset: 18 }] },
  policy: { routes: [{ when: { wan: true }, table: 300, priority: 10100 }] },
  ...extra,
});

const usage = (where: string, rule: string, writes = 0): RuleBitUsage => ({
  where,
  rule,
  reads: { fwmark: 0, ctmark: 0 },
  writes: { fwmark: writes, ctmark: 0 },
  wholeMarkWrite: { fwmark: false, ctmark: false },
  uncertain: false,
});

const tailscaleRule = usage(
  'ip mangle ts-postrouting #1',
  '-A ts-postrouting -o tailscale0 -j MARK --set-xmark 0x40000/0xff0000',
  0xff0000,
);

describe('conflict presence', () => {
  it('marks every known-consumer conflict as catalogue when nothing is detected', () => {
    const report = checkReport(doc());
    expect(report.conflicts.length).toBeGreaterThan(0);
    expect(new Set(report.conflicts.map((c) => c.presence))).toEqual(new Set(['catalogue']));
  });

  it('host rules make their consumer detected and list detected conflicts first', () => {
    const report = checkReport(doc(), [tailscaleRule]);
    const first = report.conflicts[0]!;
    expect(first.presence).toBe('detected');
    const tailscale = report.conflicts.filter((c) => c.consumer === 'tailscale');
    expect(tailscale.length).toBeGreaterThan(0);
    expect(tailscale.every((c) => c.presence === 'detected')).toBe(true);
    const host = report.conflicts.filter((c) => c.source === 'host');
    expect(host).toEqual([
      expect.objectContaining({ presence: 'detected', consumerId: 'tailscale', bits: '0x40000' }),
    ]);
    // Calico shares bit 18 too but is not on this box.
    expect(report.conflicts.find((c) => c.consumer === 'calico')?.presence).toBe('catalogue');
    const lastDetected = report.conflicts.map((c) => c.presence).lastIndexOf('detected');
    const firstCatalogue = report.conflicts.map((c) => c.presence).indexOf('catalogue');
    expect(lastDetected).toBeLessThan(firstCatalogue);
  });

  it('an explicit detected set (from probe) decides presence', () => {
    const report = checkReport(doc(), [], { detected: new Set(['calico']) });
    expect(report.conflicts.find((c) => c.consumer === 'calico')?.presence).toBe('detected');
    expect(report.conflicts.find((c) => c.consumer === 'tailscale')?.presence).toBe('catalogue');
  });
});

describe('coexists', () => {
  it('silences the acknowledged consumer, keeping the conflicts with the reason', () => {
    const reason = 'tailscale runs with --linux-fwmark-mask=0xff000000';
    const report = checkReport(doc({ coexists: [{ consumer: 'tailscale', reason }] }), [tailscaleRule]);
    expect(report.valid).toBe(true);
    expect(report.conflicts.some((c) => c.consumer === 'tailscale' || c.consumerId === 'tailscale')).toBe(
      false,
    );
    expect(report.acknowledged?.length).toBeGreaterThan(1);
    expect(report.acknowledged?.every((c) => c.reason === reason)).toBe(true);
    expect(report.acknowledged?.some((c) => c.source === 'host')).toBe(true);
  });

  it('round-trips through serialize and refuses unknown ids, repeats and empty reasons', () => {
    const parsed = parseDocument(doc({ coexists: [{ consumer: 'mwan3', reason: 'mmx_mask 0xf000000' }] }));
    expect(parseDocument(serializeDocument(parsed))).toEqual(parsed);
    const errors = (coexists: unknown) => checkReport(doc({ coexists })).errors.map((e) => e.field);
    expect(errors([{ consumer: 'nobody', reason: 'x' }])).toEqual(['coexists[0].consumer']);
    expect(
      errors([
        { consumer: 'mwan3', reason: 'a' },
        { consumer: 'mwan3', reason: 'b' },
      ]),
    ).toEqual(['coexists[1].consumer']);
    expect(errors([{ consumer: 'mwan3', reason: ' ' }])).toEqual(['coexists[0].reason']);
    expect(errors({})).toEqual(['coexists']);
  });
});

describe('consumer detection', () => {
  it('names the consumer of a rule by its chain or table', () => {
    expect(consumerOfRule(tailscaleRule)).toBe('tailscale');
    expect(consumerOfRule(usage('ip nat KUBE-MARK-MASQ #1', '-A KUBE-MARK-MASQ -j MARK'))).toBe('kube-proxy');
    expect(consumerOfRule(usage('inet markwright pre #1', 'meta mark set 0x1'))).toBeUndefined();
  });

  it('collects evidence and bits per consumer, also from names of chains without marks', () => {
    const seen = detectConsumers([tailscaleRule], ['chain ip mangle mwan3_hook']);
    expect(seen).toEqual([
      { consumer: 'mwan3', evidence: ['chain ip mangle mwan3_hook'], fwmarkBits: 0, ctmarkBits: 0 },
      {
        consumer: 'tailscale',
        evidence: ['ip mangle ts-postrouting #1: ts-postrouting'],
        fwmarkBits: 0xff0000,
        ctmarkBits: 0,
      },
    ]);
  });
});

describe('routeConflicts', () => {
  const route = (priority: number, table: number) => ({ when: { wan: true }, table, priority });

  it("finds Tailscale's rule band and table 52, and mwan3's bands and tables", () => {
    const found = routeConflicts([route(5210, 52), route(2001, 7)]).map(
      (c) => `${c.field} ${c.consumer} ${c.severity}`,
    );
    expect(found).toEqual(
      expect.arrayContaining([
        'policy.routes[0] tailscale rule-priority',
        'policy.routes[0] tailscale routing-table',
        'policy.routes[1] mwan3 rule-priority',
        'policy.routes[1] mwan3 routing-table',
      ]),
    );
  });

  it('is quiet for a free priority and table', () => {
    expect(routeConflicts([route(10100, 300)])).toEqual([]);
  });
});
