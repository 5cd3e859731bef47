import { describe, expect, it } from 'vitest';
import type { IpRule, Route } from '../ir/types';
import {
  baseChain,
  box,
  cidr,
  ipRule,
  labPacket,
  labRoutes,
  route,
  rule,
  setXmark,
  table,
} from '../testing/ir-builders';
import { simulate } from './simulate';

const mangle = table('mangle', [baseChain('pre', 'prerouting', -150, [rule(setXmark('meta', 0x0, 0x0))])]);
const run = (ipRules: IpRule[], packet: Record<string, unknown> = {}, routes: Route[] = labRoutes()) =>
  simulate(box([mangle], { ipRules, routes }), [labPacket(packet)]).packets[0]!;
const std = (...extra: IpRule[]): IpRule[] => [
  ipRule(0, 'local'),
  ...extra,
  ipRule(32766, 'main'),
  ipRule(32767, 'default'),
];

describe('policy routing', () => {
  it('uses the default rules when none are given: main table, longest prefix', () => {
    const r = simulate(box([], { ipRules: [] }), [labPacket()]).packets[0]!;
    expect(r).toMatchObject({ verdict: 'accept', oif: 'r1', table: 'main', destination: 'forward' });
    const route = r.steps.find((s) => s.kind === 'route');
    expect(route).toMatchObject({
      reason: 'input',
      rule: { priority: 32766 },
      route: 'default via 192.0.2.2 dev r1 table main',
    });
  });

  it('matches fwmark v/m as ((mark ^ v) & m) == 0', () => {
    const rules = std(ipRule(100, '100', { fwmark: { value: 0x100, mask: 0xf00 } }));
    expect(run(rules, { mark: 0x1100 })).toMatchObject({ oif: 'r2', table: '100' });
    expect(run(rules, { mark: 0x1200 })).toMatchObject({ oif: 'r1', table: 'main' });
    // fwmark 0 with mask 0 matches every packet.
    expect(run(std(ipRule(100, '100', { fwmark: { value: 0, mask: 0 } })), { mark: 0xffff }).oif).toBe('r2');
  });

  it('inverts the whole rule with not', () => {
    const rules = std(ipRule(100, '100', { not: true, fwmark: { value: 0x1, mask: 0x1 } }));
    expect(run(rules, { mark: 0 }).oif).toBe('r2');
    expect(run(rules, { mark: 1 }).oif).toBe('r1');
  });

  it('selects on iif, from and to', () => {
    expect(run(std(ipRule(100, '100', { iif: 'r0' }))).oif).toBe('r2');
    expect(run(std(ipRule(100, '100', { iif: 'r9' }))).oif).toBe('r1');
    expect(run(std(ipRule(100, '100', { from: cidr('10.70.0.0/24') }))).oif).toBe('r2');
    expect(run(std(ipRule(100, '100', { to: cidr('203.0.113.0/24') }))).oif).toBe('r2');
    expect(run(std(ipRule(100, '100', { to: cidr('203.0.114.0/24') }))).oif).toBe('r1');
  });

  it('suppress_prefixlength 0 rejects a default route and falls through to the next rule', () => {
    const rules = std(ipRule(50, 'main', { suppressPrefixlength: 0 }), ipRule(100, '100'));
    const r = run(rules);
    expect(r).toMatchObject({ oif: 'r2', table: '100' });
    // A more specific route survives the suppression.
    expect(run(rules, { daddr: '198.51.100.9' })).toMatchObject({ oif: 'r2', table: 'main' });
  });

  it('goto skips to the rule with that priority', () => {
    const rules = std(
      ipRule(10, '', { action: { kind: 'goto', priority: 200 } }),
      ipRule(100, '100'),
      ipRule(200, 'main'),
    );
    expect(run(rules)).toMatchObject({ oif: 'r1', table: 'main' });
    const unresolved = std(ipRule(10, '', { action: { kind: 'goto', priority: 150 } }), ipRule(100, '100'));
    expect(run(unresolved).oif).toBe('r2');
  });

  it('drops on blackhole, unreachable and prohibit rules and routes', () => {
    for (const kind of ['blackhole', 'unreachable', 'prohibit'] as const) {
      const r = run(std(ipRule(100, '', { action: { kind }, fwmark: { value: 1, mask: 1 } })), { mark: 1 });
      expect(r.verdict).toBe('drop');
      expect(r.steps.find((s) => s.kind === 'route')).toMatchObject({ result: kind });
    }
    const bh = run(std(ipRule(100, '100')), {}, [
      ...labRoutes(),
      route('100', '203.0.113.0/24', 'r2', { type: 'blackhole' }),
    ]);
    expect(bh.verdict).toBe('drop');
  });

  it('a throw route falls through to the next rule', () => {
    const routes = [...labRoutes(), route('100', '203.0.113.0/24', 'r2', { type: 'throw' })];
    expect(run(std(ipRule(100, '100')), {}, routes)).toMatchObject({ oif: 'r1', table: 'main' });
  });

  it('delivers to a local address through input, and drops with no route', () => {
    expect(run(std(), { daddr: '10.70.0.1' })).toMatchObject({
      destination: 'local',
      oif: null,
      table: 'local',
    });
    const r = run([ipRule(0, 'local')]);
    expect(r.verdict).toBe('drop');
    expect(r.steps.find((s) => s.kind === 'route')).toMatchObject({ result: 'no-route' });
  });

  it('knows local addresses from prefsrc when the local table is not given', () => {
    const routes = labRoutes().filter((x) => x.table !== 'local');
    expect(run(std(), { daddr: '192.0.2.1' }, routes).destination).toBe('local');
  });

  it('picks the lowest metric among routes of equal prefix', () => {
    const routes = [
      ...labRoutes().filter((x) => x.dst.prefix !== 0),
      route('main', '0.0.0.0/0', 'r2', { metric: 200 }),
      route('main', '0.0.0.0/0', 'r1', { metric: 100 }),
    ];
    expect(run(std(), {}, routes).oif).toBe('r1');
  });

  it('uses the mark set in prerouting for the input route lookup', () => {
    const b = box([table('m', [baseChain('pre', 'prerouting', -150, [rule(setXmark('meta', 0x4, 0x4))])])], {
      ipRules: std(ipRule(100, '100', { fwmark: { value: 4, mask: 4 } })),
    });
    expect(simulate(b, [labPacket()]).packets[0]).toMatchObject({ oif: 'r2', mark: 4 });
  });

  it('routes IPv6 with its own rules and tables', () => {
    const routes: Route[] = [
      { family: 6, table: 'main', type: 'unicast', dst: cidr('::/0'), dev: 'r1' },
      { family: 6, table: '100', type: 'unicast', dst: cidr('::/0'), dev: 'r2' },
    ];
    const rules = [
      ipRule(0, 'local', { family: 6 }),
      ipRule(100, '100', { family: 6, fwmark: { value: 1, mask: 1 } }),
      ipRule(32766, 'main', { family: 6 }),
    ];
    const pkt = { saddr: '2001:db8::2', daddr: '2001:db8:9::7' };
    expect(run(rules, { ...pkt, mark: 1 }, routes).oif).toBe('r2');
    expect(run(rules, pkt, routes).oif).toBe('r1');
  });
});
