import { describe, expect, it } from 'vitest';
import type { PacketSpec } from '../reports/types';
import { box, ipRule, labRoutes } from '../testing/ir-builders';
import { prng, randomBox } from '../testing/random-box';
import { simulate } from './simulate';

// The untraced fast path (ops in a tight loop) must decide exactly what the traced path decides.
describe('fast path', () => {
  it('gives the same verdict, marks, oif and table as the traced path on 300 random boxes', () => {
    let packets = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const rb = randomBox(seed, { iptables: seed % 2 === 0 });
      const b = box(rb.tables, {
        ipRules: [ipRule(0, 'local'), ...rb.ipRules, ipRule(32766, 'main'), ipRule(32767, 'default')],
        routes: labRoutes(),
      });
      const r = prng(seed);
      const flow: PacketSpec[] = Array.from({ length: 6 }, () => {
        const sport = 20000 + Math.floor(r() * 3);
        const dport = rb.ports[Math.floor(r() * rb.ports.length)]!;
        return r() < 0.25
          ? { iif: 'r2', saddr: '203.0.113.7', daddr: '10.70.0.2', proto: 'udp', sport: dport, dport: sport }
          : { iif: 'r0', saddr: '10.70.0.2', daddr: '203.0.113.7', proto: 'udp', sport, dport };
      });
      const pick = (t: boolean) =>
        simulate(b, flow, { trace: t }).packets.map(({ verdict, mark, ctmark, oif, table, destination }) => ({
          verdict,
          mark,
          ctmark,
          oif,
          table,
          destination,
        }));
      expect(pick(false), `seed ${seed}`).toEqual(pick(true));
      packets += flow.length;
    }
    expect(packets).toBe(1800);
  });

  it('returns no steps without the trace', () => {
    const rb = randomBox(7);
    const r = simulate(
      box(rb.tables),
      [{ iif: 'r0', saddr: '10.70.0.2', daddr: '203.0.113.7', proto: 'udp', sport: 1, dport: 53 }],
      {
        trace: false,
      },
    );
    expect(r.packets[0]!.steps).toEqual([]);
  });
});
