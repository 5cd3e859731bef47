import { describe, expect, it } from 'vitest';
import { compileDocument } from '../compile/compile-document';
import type { MarkwrightDocument } from '../document/types';
import type { BoxConfig, Route } from '../ir/types';
import type { PacketOutcome } from '../reports/confirm';
import { EDGE } from '../testing/documents';
import { compareOutcome } from './compare';
import { hostInPrefix, probePackets } from './probe-packets';
import { buildVerification, expectedOutcomes, formatVerification } from './verification';

const route = (table: string, dst: string, prefix: number, extra: Partial<Route>): Route => ({
  family: 4,
  table,
  type: 'unicast',
  dst: { family: 4, address: dst, prefix },
  ...extra,
});

/** A router: lan0 10.0.0.0/24, wan0 by default, wan1 through table 100. */
const ROUTES: Route[] = [
  route('main', '10.0.0.0', 24, { dev: 'lan0', scope: 'link', prefsrc: '10.0.0.1', protocol: 'kernel' }),
  route('main', '192.0.2.0', 24, { dev: 'wan0', scope: 'link', prefsrc: '192.0.2.1', protocol: 'kernel' }),
  route('main', '198.51.100.0', 24, {
    dev: 'wan1',
    scope: 'link',
    prefsrc: '198.51.100.1',
    protocol: 'kernel',
  }),
  route('main', '0.0.0.0', 0, { dev: 'wan0', gateway: '192.0.2.2' }),
  route('100', '0.0.0.0', 0, { dev: 'wan1', gateway: '198.51.100.2' }),
  { ...route('local', '10.0.0.1', 32, { dev: 'lan0', scope: 'host' }), type: 'local' },
];

function boxOf(): BoxConfig {
  const doc = compileDocument(EDGE);
  return { ...doc, routes: ROUTES };
}

const accept = (o: Partial<PacketOutcome>): PacketOutcome => ({
  verdict: 'accept',
  mark: 0,
  ctmark: 0,
  table: 'main',
  oif: 'wan0',
  class: null,
  ...o,
});

describe('test packets for policy rules', () => {
  it('takes addresses and ports from the rule and fills the rest from the box routes', () => {
    const plans = probePackets(EDGE, boxOf());
    expect(plans.map((p) => ('packet' in p ? p.packet : p.skipped))).toEqual([
      { iif: 'lan0', saddr: '10.0.0.254', daddr: '203.0.113.99', proto: 'udp', dport: 5555 },
      { iif: 'lan0', saddr: '10.0.0.254', daddr: '203.0.113.99', proto: 'tcp', dport: 873 },
      { saddr: '10.0.0.1', daddr: '203.0.113.99', proto: 'tcp', sport: 22, dport: 9 },
    ]);
    expect(plans.map((p) => p.path)).toEqual(['policy.rules[0]', 'policy.rules[1]', 'policy.rules[2]']);
  });

  it('carries fields the rule matches in the packet mark and skips ct mark matches', () => {
    const doc: MarkwrightDocument = {
      ...EDGE,
      policy: {
        ...EDGE.policy,
        rules: [
          { name: 'bulk isp1', match: { fields: { bulk: 1 } }, set: { uplink: 'isp1' } },
          { name: 'tenant', match: { fields: { tenant: 3 } }, set: { bulk: 1 } },
          { name: 'gre', match: { proto: 47 }, set: { bulk: 1 } },
        ],
      },
    };
    const plans = probePackets(doc, boxOf());
    expect('packet' in plans[0]! && plans[0].packet.mark).toBe(0x04000000);
    expect('skipped' in plans[1]! && plans[1].skipped).toMatch(/ct mark fields \(tenant\)/);
    expect('skipped' in plans[2]! && plans[2].skipped).toMatch(/protocol 47/);
  });

  it('picks hosts inside prefixes from either end', () => {
    expect(hostInPrefix({ family: 4, address: '203.0.113.0', prefix: 24 }, 1)).toBe('203.0.113.1');
    expect(hostInPrefix({ family: 4, address: '10.0.0.0', prefix: 24 }, 1, true)).toBe('10.0.0.254');
    expect(hostInPrefix({ family: 4, address: '10.0.0.9', prefix: 32 }, 1)).toBe('10.0.0.9');
    expect(hostInPrefix({ family: 6, address: '2001:db8::', prefix: 64 }, 1)).toBe('2001:db8::1');
  });
});

describe('expected outcome on the box routes', () => {
  it('is the simulator outcome: fields set, table and device bound, class', () => {
    const plans = probePackets(EDGE, boxOf());
    const packets = plans.flatMap((p) => ('packet' in p ? [p.packet] : []));
    const [voip, backup] = expectedOutcomes(boxOf(), packets);
    expect(voip).toMatchObject({ verdict: 'accept', mark: 0x02000000, table: '100', oif: 'wan1' });
    expect(backup).toMatchObject({ verdict: 'accept', table: 'main', oif: 'wan0', class: '1:30' });
    expect(backup!.mark & 0x04000000).toBe(0x04000000);
  });
});

describe('expected vs seen', () => {
  it('agrees when the document fields, route and class are as simulated, whatever other bits hold', () => {
    const e = accept({ mark: 0x02000000, table: '100', oif: 'wan1' });
    const s = accept({ mark: 0x02004000, ctmark: 0x00000010, table: '100', oif: 'wan1' });
    expect(compareOutcome(EDGE.layout, 'r', e, s)).toEqual([]);
  });

  it('names each field overwritten, with the value names and marks', () => {
    const e = accept({ mark: 0x06000000, ctmark: 0x300, table: '100', oif: 'wan1' });
    const s = accept({ mark: 0x00000000, ctmark: 0x300, table: 'main', oif: 'wan0' });
    expect(compareOutcome(EDGE.layout, 'voip', e, s)).toEqual([
      {
        rule: 'voip',
        field: 'uplink',
        expected: 'isp2 (mark 0x06000000)',
        seen: 'unset (0) (mark 0x00000000)',
      },
      { rule: 'voip', field: 'bulk', expected: '1 (mark 0x06000000)', seen: '0 (mark 0x00000000)' },
      { rule: 'voip', field: 'table', expected: '100', seen: 'main' },
      { rule: 'voip', field: 'oif', expected: 'wan1', seen: 'wan0' },
    ]);
  });

  it('reads ct mark fields from the ct mark and shows undefined enum values as such', () => {
    const e = accept({ mark: 0x01000000, ctmark: 0x300 });
    const s = accept({ mark: 0x03000000, ctmark: 0x000 });
    const d = compareOutcome(EDGE.layout, 'r', e, s);
    expect(d.map((x) => [x.field, x.expected, x.seen])).toEqual([
      ['uplink', 'isp1 (mark 0x01000000)', '3 (not a value of the field) (mark 0x03000000)'],
      ['tenant', '3 (ct mark 0x00000300)', '0 (ct mark 0x00000000)'],
    ]);
  });

  it('reports a missing class and a dropped packet', () => {
    expect(compareOutcome(EDGE.layout, 'r', accept({ class: '1:30' }), accept({ class: null }))).toEqual([
      { rule: 'r', field: 'class', expected: '1:30', seen: '(no class)' },
    ]);
    const dropped: PacketOutcome = { ...accept({}), verdict: 'drop', table: null, oif: null };
    expect(compareOutcome(EDGE.layout, 'r', accept({}), dropped)).toEqual([
      { rule: 'r', field: 'verdict', expected: 'leaves by wan0', seen: 'dropped' },
    ]);
  });

  it('does not compare a class the document does not bind', () => {
    expect(compareOutcome(EDGE.layout, 'r', accept({}), accept({ class: '1:99' }))).toEqual([]);
  });

  it('puts the rules together, skipped ones included, and prints expected vs seen', () => {
    const plans = probePackets(EDGE, boxOf());
    const packet = 'packet' in plans[0]! ? plans[0].packet : null;
    const e = accept({ mark: 0x02000000, table: '100', oif: 'wan1' });
    const v = buildVerification(
      EDGE.layout,
      plans,
      [
        { packet: packet!, expected: e, seen: accept({ table: 'main' }) },
        { packet: packet!, expected: e, seen: e },
        { packet: packet!, expected: e, seen: null, reason: 'no python3' },
      ],
      12,
    );
    expect(v.ok).toBe(false);
    expect(v.disagreements.map((d) => d.field)).toEqual(['uplink', 'table', 'oif']);
    expect(v.rules[2]!.skipped).toBe('no python3');
    const text = formatVerification(v);
    expect(text).toContain(
      "rule 'voip via isp2': the box disagrees\n  uplink: expected isp2 (mark 0x02000000), seen unset (0)",
    );
    expect(text).toContain("rule 'backups are bulk': as the document says");
    expect(text).toContain('2 of 3 rules checked on the live box in 12 ms: 3 disagreements');
    expect(buildVerification(EDGE.layout, plans, [null, null, null], 1).ok).toBe(true);
  });
});
