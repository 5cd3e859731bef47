import type { LiveTraceStep, MarkwrightDocument } from '@markwright/core';
import { createRouterLab, kernelSkipReason, type RouterLab, sendUdp } from '@markwright/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownedStateFromDocument, readDocument } from '../deploy/owned-from-document';
import { DEFAULT_OWNERSHIP } from '../deploy/ownership';
import { createSystemRunner } from '../exec/runner';
import { liveImpact } from './impact';
import { liveTrace } from './trace';

// A router namespace with Markwright's table and a foreign table that rewrites one of the layout's fields: the live
// trace names the foreign rule as the writer and decodes the field; and the impact of moving a port to the other
// uplink reports exactly the connections on that port.

const reason = kernelSkipReason(['ip', 'nft', 'conntrack']);
if (reason) console.log(`observe.kernel.test: skipped: ${reason}`);

const doc = (ports: number | string): MarkwrightDocument =>
  readDocument(
    JSON.stringify({
      format: 'markwright/1',
      name: 'uplinks',
      layout: {
        fields: [
          {
            name: 'uplink',
            space: 'fwmark',
            kind: 'enum',
            offset: 24,
            width: 2,
            values: { isp1: 1, isp2: 2 },
          },
        ],
      },
      policy: {
        rules: [
          {
            name: 'voip via isp2',
            match: { iif: 'r0', proto: 'udp', dport: ports },
            set: { uplink: 'isp2' },
          },
        ],
        routes: [{ when: { uplink: 'isp2' }, table: 100, priority: 10002 }],
      },
    }),
    'uplinks.json',
  );

function deploy(lab: RouterLab, d: MarkwrightDocument): void {
  const owned = ownedStateFromDocument(d, DEFAULT_OWNERSHIP);
  lab.router.nft(owned.nftScript);
  for (const line of owned.ipRules.v4) {
    lab.router.exec(['ip', '-4', 'rule', 'add', ...line.split(/\s+/)], { allowFail: true });
  }
}

const traceTables = (lab: RouterLab): string[] =>
  lab.router
    .exec(['nft', 'list', 'tables'])
    .stdout.split('\n')
    .filter((l) => l.includes('markwright_trace_'));

describe.skipIf(reason !== null)('live trace and impact in a router namespace', () => {
  let lab: RouterLab;
  beforeAll(() => {
    lab = createRouterLab('observe');
  });
  afterAll(() => lab?.destroy());

  it('names the foreign rule that rewrites a field and decodes the field after every step', async () => {
    const d = doc(5060);
    deploy(lab, d);
    // After Markwright's mangle-priority chain sets uplink=isp2, this table puts isp1 back.
    lab.router.nft(
      'table ip rewriter {\n  chain pre {\n    type filter hook prerouting priority -100; policy accept;\n    udp dport 5060 meta mark set meta mark & 0xfcffffff | 0x01000000\n  }\n}\n',
    );
    const runner = createSystemRunner({ kind: 'netns', name: lab.router.name });
    const report = await liveTrace(runner, {
      match: 'udp dport 5060',
      count: 1,
      seconds: 20,
      layout: d.layout,
      onArmed: () => sendUdp(lab.client, { daddr: lab.farAddress, dport: 5060, sport: 41000 }),
    });
    expect(report.packets).toHaveLength(1);
    const p = report.packets[0]!;
    expect(p.packet).toMatchObject({ saddr: '10.70.0.2', daddr: '203.0.113.7', dport: 5060, iif: 'r0' });
    const rules = p.steps.filter((s): s is Extract<LiveTraceStep, { kind: 'rule' }> => s.kind === 'rule');
    const ours = rules.find((s) => s.owner?.kind === 'markwright' && s.owner.rule === 'voip via isp2');
    expect(ours, JSON.stringify(p.steps, null, 1)).toBeDefined();
    expect(ours!.fields?.mark).toContainEqual(expect.objectContaining({ field: 'uplink', value: 'isp2' }));
    const writer = rules.find((s) => s.table === 'rewriter');
    expect(writer?.owner).toEqual({ kind: 'foreign' });
    expect(writer!.markBefore >>> 24).toBe(2);
    expect(writer!.markAfter >>> 24).toBe(1);
    expect(writer!.fields?.mark).toContainEqual(expect.objectContaining({ field: 'uplink', value: 'isp1' }));
    expect(p.fields?.mark).toContainEqual(expect.objectContaining({ field: 'uplink', value: 'isp1' }));
    expect(Date.parse(p.startedAt)).toBeLessThanOrEqual(Date.parse(p.endedAt));
    // The trace rule is gone once the trace ends.
    expect(traceTables(lab)).toEqual([]);
    lab.router.exec(['nft', 'delete', 'table', 'ip', 'rewriter']);
  }, 60_000);

  it('reports exactly the live connections a moved port takes to the other uplink', async () => {
    // A stateful firewall, as on any router: it brings conntrack in, so the flows are live connections.
    lab.router.nft(
      'table inet fw {\n  chain filter_forward {\n    type filter hook forward priority 0; policy accept;\n    ct state established,related accept\n  }\n}\n',
    );
    lab.router.exec(['conntrack', '-F'], { allowFail: true });
    deploy(lab, doc(5060));
    lab.received(5061);
    // Live flows of both kinds: two on the port that already goes via isp2, three on the port being moved.
    for (const sport of [42001, 42002]) sendUdp(lab.client, { daddr: lab.farAddress, dport: 5060, sport });
    for (const sport of [43001, 43002, 43003])
      sendUdp(lab.client, { daddr: lab.farAddress, dport: 5061, sport });
    expect(lab.received(5061).uplink1).toBe(3);
    const runner = createSystemRunner({ kind: 'netns', name: lab.router.name });
    const report = await liveImpact(runner, doc('5060-5061'), DEFAULT_OWNERSHIP);
    expect(report.connections).toBeGreaterThanOrEqual(5);
    const moved = report.changed.map((c) => `${c.flow.sport}->${c.flow.dport}`).sort();
    expect(moved).toEqual(['43001->5061', '43002->5061', '43003->5061']);
    for (const c of report.changed) {
      expect(c.rule).toBe('voip via isp2');
      expect(c.breaks).toBe(false);
      expect(c.before).toMatchObject({ oif: 'r1', table: 'main' });
      expect(c.after).toMatchObject({ oif: 'r2', table: '100' });
      expect(c.after.mark >>> 24).toBe(2);
    }
    expect(report.groups).toEqual([
      {
        rule: 'voip via isp2',
        connections: 3,
        summary: "rule 'voip via isp2' would move 3 connections from r1 to r2",
      },
    ]);
  }, 60_000);
});
