import { describe, expect, it } from 'vitest';
import type { ChainType } from '../ir/types';
import { baseChain, box, ipRule, rule, setXmark, table } from '../testing/ir-builders';
import { simulate } from './simulate';

const rules = [
  ipRule(0, 'local'),
  ipRule(100, '100', { fwmark: { value: 0x8, mask: 0x8 } }),
  ipRule(32766, 'main'),
];
const localPacket = (mark = 0) => ({
  saddr: '192.0.2.1',
  daddr: '203.0.113.7',
  proto: 'udp' as const,
  sport: 5000,
  dport: 53,
  mark,
});
const outputBox = (type: ChainType, origin: 'nft' | 'iptables' = 'nft', name = 'out') =>
  box(
    [
      table(name, [baseChain('OUTPUT', 'output', -150, [rule(setXmark('meta', 0x8, 0x8))], { type })], {
        origin,
      }),
    ],
    {
      ipRules: rules,
    },
  );

describe('locally generated packets', () => {
  it('route first with the socket mark', () => {
    const r = simulate(box([], { ipRules: rules }), [localPacket(0x8)]).packets[0]!;
    expect(r).toMatchObject({ verdict: 'accept', oif: 'r2', table: '100', destination: 'output' });
    expect(r.steps[0]).toMatchObject({ kind: 'route', reason: 'output', mark: 0x8 });
  });

  it('re-route when an nft type route output chain changed the mark', () => {
    const r = simulate(outputBox('route'), [localPacket()]).packets[0]!;
    expect(r).toMatchObject({ oif: 'r2', table: '100', mark: 0x8 });
    expect(r.steps.filter((s) => s.kind === 'route').map((s) => s.kind === 'route' && s.reason)).toEqual([
      'output',
      'reroute',
    ]);
  });

  it('do not re-route when only an nft type filter output chain changed the mark', () => {
    const r = simulate(outputBox('filter'), [localPacket()]).packets[0]!;
    expect(r).toMatchObject({ oif: 'r1', table: 'main', mark: 0x8 });
    expect(r.steps.filter((s) => s.kind === 'route')).toHaveLength(1);
  });

  it('re-route after iptables mangle OUTPUT, but not after iptables filter OUTPUT', () => {
    expect(simulate(outputBox('filter', 'iptables', 'mangle'), [localPacket()]).packets[0]!.oif).toBe('r2');
    expect(simulate(outputBox('filter', 'iptables', 'filter'), [localPacket()]).packets[0]!.oif).toBe('r1');
  });

  it('a failed output route means the packet never reaches the output hook', () => {
    const r = simulate(box([], { ipRules: [ipRule(0, 'local')] }), [localPacket()]).packets[0]!;
    expect(r.verdict).toBe('drop');
    expect(r.steps).toHaveLength(1);
  });

  it('a packet to one of the box own addresses leaves through lo', () => {
    const r = simulate(box([]), [{ ...localPacket(), daddr: '10.70.0.1' }]).packets[0]!;
    expect(r).toMatchObject({ destination: 'local', oif: 'lo' });
  });
});
