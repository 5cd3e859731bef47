import type { MarkwrightDocument } from '@markwright/core';
import { uplinkField } from '@markwright/core/testing';
import { describe, expect, it } from 'vitest';
import { boundTable, grownClass, intended, seenOutcome } from './live-outcome';
import { observerScript, parseObserved } from './observer';

const DOC: MarkwrightDocument = {
  format: 'markwright/1',
  name: 'd',
  layout: {
    fields: [uplinkField()],
  },
  policy: {
    rules: [],
    routes: [
      { when: { uplink: 'isp2' }, table: 100, priority: 10002, family: 4 },
      { when: { uplink: 'isp1' }, table: 254, priority: 10001 },
    ],
    classes: [],
  },
};

describe('the live side of the check', () => {
  it('names the table the route binding gives, even where the simulator fell through', () => {
    expect(boundTable(DOC, 4, 0x02000000)).toBe('100');
    expect(boundTable(DOC, 6, 0x02000000)).toBeNull();
    expect(boundTable(DOC, 4, 0x01000000)).toBe('main');
    const fellThrough = {
      verdict: 'accept',
      mark: 0x02000000,
      ctmark: 0,
      table: 'main',
      oif: 'wan0',
      class: null,
    } as const;
    const p = { iif: 'lan0', saddr: '10.0.0.9', daddr: '203.0.113.9', proto: 'udp' } as const;
    expect(intended(DOC, p, fellThrough).table).toBe('100');
    expect(intended(DOC, p, { ...fellThrough, oif: null }).table).toBe('main');
  });

  it('watches only the test packet, after every other chain, and marks it at its device when the rule matches fields', () => {
    const script = observerScript('markwright_verify_7', {
      iif: 'lan0',
      saddr: '10.0.0.254',
      daddr: '203.0.113.99',
      proto: 'udp',
      sport: 40000,
      dport: 53,
      mark: 0x4000000,
    });
    expect(script).toContain('type filter hook postrouting priority 2147483000; policy accept;');
    expect(script).toContain(
      'ip saddr 10.0.0.254 ip daddr 203.0.113.99 meta l4proto udp th sport 40000 th dport 53 add @out { meta mark . ct mark . oifname }',
    );
    expect(script).toContain('type filter hook ingress device "lan0" priority -500; policy accept;');
    expect(script).toContain('meta mark set 0x4000000');
    const unmarked = observerScript('t', { saddr: '10.0.0.1', daddr: '203.0.113.99', proto: 'icmp' });
    expect(unmarked).not.toContain('hook ingress');
    expect(unmarked).toContain('meta l4proto icmp add @out');
  });

  it('reads what the observer saw: leaving with a device, delivered, or nothing', () => {
    const listing = (name: string, concat: unknown[]) =>
      JSON.stringify({
        nftables: [{ metainfo: {} }, { set: { name, elem: [{ concat }] } }, { set: { name: 'in' } }],
      });
    expect(parseObserved(listing('out', [0x2000000, 0, 'wan1']))).toEqual({
      kind: 'out',
      mark: 0x2000000,
      ctmark: 0,
      oif: 'wan1',
    });
    expect(parseObserved(listing('in', [1, 2]))).toEqual({ kind: 'in', mark: 1, ctmark: 2 });
    expect(parseObserved(JSON.stringify({ nftables: [{ set: { name: 'out' } }] }))).toBeNull();
    expect(seenOutcome(null, null, null).verdict).toBe('drop');
  });

  it('finds the class a packet went through from the counters that grew', () => {
    const c = (entries: [string, number, string][]) =>
      new Map(entries.map(([id, packets, parent]) => [id, { packets, parent }]));
    const before = c([
      ['1:1', 5, 'root'],
      ['1:10', 2, '1:1'],
      ['1:30', 3, '1:1'],
    ]);
    expect(
      grownClass(
        before,
        c([
          ['1:1', 6, 'root'],
          ['1:10', 2, '1:1'],
          ['1:30', 4, '1:1'],
        ]),
        '1:10',
      ),
    ).toBe('1:30');
    expect(
      grownClass(
        before,
        c([
          ['1:1', 6, 'root'],
          ['1:10', 3, '1:1'],
          ['1:30', 3, '1:1'],
        ]),
        '1:10',
      ),
    ).toBe('1:10');
    expect(grownClass(before, before, '1:10')).toBeNull();
  });
});
