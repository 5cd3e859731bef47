import { describe, expect, it } from 'vitest';
import { constantWrite } from '../bits/algebra';
import type { Rule } from '../ir/types';
import type { PacketSpec } from '../reports/types';
import {
  accept,
  baseChain,
  box,
  cidr,
  ipRule,
  labRoutes,
  markIs,
  table,
  write,
} from '../testing/ir-builders';
import { prng, randomBox } from '../testing/random-box';
import { Conntrack } from './conntrack';
import { toSimPacket } from './packet';
import { buildChainIndex } from './rule-index';
import { Simulator } from './simulate';

const udpTo = (dport: number): Rule => ({
  exprs: [
    { kind: 'l4proto', protos: [17], invert: false },
    {
      kind: 'port',
      dir: 'dst',
      proto: 17,
      values: { kind: 'ranges', ranges: [[dport, dport]] },
      invert: false,
    },
    write(constantWrite('meta', 0, dport)),
  ],
});

const outcome = (sim: Simulator, flow: readonly PacketSpec[], trace: boolean) => {
  const ct = new Conntrack();
  return flow.map((spec, i) => {
    const r = sim.packet(toSimPacket(spec, `packets[${i}]`), ct, trace);
    return { verdict: r.verdict, mark: r.mark, ctmark: r.ctmark, oif: r.oif, table: r.table };
  });
};

describe('rule index', () => {
  it('classifies a long chain by the key that excludes most rules', () => {
    const rules = Array.from({ length: 40 }, (_, i) => udpTo(1000 + i));
    const ix = buildChainIndex(rules)!;
    expect(ix.dimensions).toEqual(['dport']);
    expect(ix.rest).toHaveLength(0);
  });

  it('gives each packet its candidate rules in chain order, merged once per combination of keys', () => {
    // Two levels: the input interface, then the port of the rules without one.
    const rules: Rule[] = Array.from({ length: 40 }, (_, i) =>
      i % 2 === 0
        ? { exprs: [{ kind: 'iface', dir: 'in', names: [`r${i % 3}`], invert: false }, accept] }
        : udpTo(1000 + i),
    );
    const ix = buildChainIndex(rules, 1)!;
    expect(ix.dimensions.slice(0, 2)).toEqual(['dport', 'iif']);
    const p = (iif: string, dport: number) =>
      ({ iif, proto: 17, hasPorts: true, dport, sport: 1, mark: 0 }) as Parameters<typeof ix.candidates>[0];
    const r1 = ix.candidates(p('r1', 1003));
    // Rule 3 tests port 1003; the even rules r1 are 4, 10, 16, ...
    expect([...r1]).toEqual([3, 4, 10, 16, 22, 28, 34]);
    expect(ix.candidates(p('r1', 1003))).toBe(r1);
    expect([...ix.candidates(p('eth0', 9))]).toEqual([]);
  });

  it('scans short chains and chains no key divides', () => {
    expect(buildChainIndex([udpTo(1)])).toBeNull();
    expect(buildChainIndex(Array.from({ length: 20 }, () => ({ exprs: [accept] })))).toBeNull();
  });

  it('does not exclude a rule on a test that follows a statement', () => {
    // The mark write runs before the port test: the rule must run for every packet.
    const rules: Rule[] = Array.from({ length: 10 }, (_, i) => ({
      exprs: [
        write(constantWrite('meta', 0xffffff00, i)),
        { kind: 'port', dir: 'dst', proto: 17, values: { kind: 'ranges', ranges: [[i, i]] }, invert: false },
      ],
    }));
    expect(buildChainIndex(rules, 1)?.rest.length ?? 10).toBe(10);
  });

  it('follows a mark that rules change while the chain runs (index on the mark)', () => {
    // A chain of mark steps 1 -> 2 -> ... -> 12: each rule is listed under one mark value only.
    const steps: Rule[] = Array.from({ length: 12 }, (_, i) => ({
      exprs: [markIs('meta', i + 1, 0xff), write(constantWrite('meta', 0xffffff00, i + 2))],
    }));
    const b = box([table('t', [baseChain('pre', 'prerouting', -150, steps)])], { routes: labRoutes() });
    const indexed = new Simulator(b);
    const packet: PacketSpec = {
      saddr: '10.70.0.2',
      daddr: '203.0.113.7',
      proto: 'udp',
      sport: 1,
      dport: 2,
      mark: 1,
    };
    const r = outcome(indexed, [{ ...packet, iif: 'r0' }], false);
    expect(r[0]!.mark).toBe(13);
    expect(outcome(indexed, [{ ...packet, iif: 'r0' }], true)).toEqual(r);
  });

  it('keeps address, port and interface tests exact at segment edges', () => {
    const rules: Rule[] = [
      {
        exprs: [
          {
            kind: 'addr',
            dir: 'dst',
            set: { kind: 'cidrs', cidrs: [cidr('203.0.113.0/25')] },
            invert: false,
          },
          write(constantWrite('meta', 0, 1)),
        ],
      },
      {
        exprs: [
          { kind: 'addr', dir: 'dst', set: { kind: 'cidrs', cidrs: [cidr('203.0.113.7')] }, invert: false },
          write(constantWrite('meta', 0xffff, 0x10000)),
        ],
      },
      {
        exprs: [
          { kind: 'iface', dir: 'in', names: ['r0'], invert: false },
          write(constantWrite('meta', 0xffffffff, 0x100)),
        ],
      },
      {
        exprs: [
          { kind: 'iface', dir: 'in', names: ['r+'], invert: false },
          write(constantWrite('meta', 0xffffffff, 0x200)),
        ],
      },
    ];
    const b = box([table('t', [baseChain('pre', 'prerouting', -150, rules)])], { routes: labRoutes() });
    const flows: PacketSpec[] = [
      '203.0.113.6',
      '203.0.113.7',
      '203.0.113.8',
      '203.0.113.127',
      '203.0.113.128',
    ].map((daddr) => ({ iif: 'r0', saddr: '10.70.0.2', daddr, proto: 'udp', sport: 1, dport: 2 }));
    expect(outcome(new Simulator(b, { indexFromRules: 1 }), flows, false)).toEqual(
      outcome(new Simulator(b), flows, true),
    );
  });

  it('decides as the scan does on 400 random boxes with every chain indexed', () => {
    let compared = 0;
    for (let seed = 1; seed <= 400; seed++) {
      const rb = randomBox(seed, { iptables: seed % 2 === 0 });
      const b = box(rb.tables, {
        ipRules: [ipRule(0, 'local'), ...rb.ipRules, ipRule(32766, 'main'), ipRule(32767, 'default')],
        routes: labRoutes(),
      });
      const r = prng(seed + 7);
      const flow: PacketSpec[] = Array.from({ length: 6 }, () => {
        const sport = 20000 + Math.floor(r() * 3);
        const dport = rb.ports[Math.floor(r() * rb.ports.length)]!;
        const mark = Math.floor(r() * 0x1000);
        return r() < 0.25
          ? {
              iif: 'r2',
              saddr: '203.0.113.7',
              daddr: '10.70.0.2',
              proto: 'udp',
              sport: dport,
              dport: sport,
              mark,
            }
          : {
              iif: 'r0',
              saddr: '10.70.0.2',
              daddr: '203.0.113.7',
              proto: r() < 0.2 ? 'tcp' : 'udp',
              sport,
              dport,
              mark,
            };
      });
      const fast = outcome(new Simulator(b, { indexFromRules: 1 }), flow, false);
      expect(fast, `seed ${seed}`).toEqual(outcome(new Simulator(b), flow, true));
      compared += flow.length;
    }
    expect(compared).toBe(2400);
  });
});
