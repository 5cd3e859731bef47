import { describe, expect, it } from 'vitest';
import type { Rule } from '../ir/types';
import {
  accept,
  baseChain,
  box,
  drop,
  ipRule,
  labPacket,
  markIs,
  restoreMark,
  rule,
  saveMark,
  setXmark,
  table,
} from '../testing/ir-builders';
import { simulate } from './simulate';

const isNew = { kind: 'ctstate' as const, states: ['new' as const], invert: false };
const isEstablished = { kind: 'ctstate' as const, states: ['established' as const], invert: false };

describe('conntrack across the packets of a flow', () => {
  // Save-on-new / restore-later: the first packet of a flow picks an uplink by mark; later packets restore it.
  const rules: Rule[] = [
    rule(restoreMark(0xff, 0xff)),
    rule(markIs('meta', 0, 0xff, true), accept),
    rule(setXmark('meta', 0x1, 0xff)),
    rule(saveMark(0xff, 0xff)),
  ];
  const b = box(
    [table('mangle', [baseChain('PREROUTING', 'prerouting', -150, rules)], { origin: 'iptables' })],
    {
      ipRules: [
        ipRule(0, 'local'),
        ipRule(100, '100', { fwmark: { value: 1, mask: 0xff } }),
        ipRule(32766, 'main'),
      ],
    },
  );

  it('keeps the ct mark of a flow and restores it on its later packets', () => {
    const [a, c, other] = simulate(b, [labPacket(), labPacket(), labPacket({ sport: 40001 })]).packets;
    expect(a).toMatchObject({ mark: 1, ctmark: 1, oif: 'r2' });
    expect(c).toMatchObject({ mark: 1, ctmark: 1, oif: 'r2' });
    const ct = c!.steps.find((s) => s.kind === 'conntrack');
    expect(ct).toMatchObject({ ctmark: 1, direction: 'original' });
    expect(ct?.kind === 'conntrack' && ct.state).toMatch(/existing/);
    expect(other).toMatchObject({ mark: 1, ctmark: 1 });
  });

  it('separate calls do not share conntrack', () => {
    expect(simulate(b, [labPacket()]).packets[0]!.steps.find((s) => s.kind === 'conntrack')).toMatchObject({
      ctmark: 0,
    });
  });

  it('a UDP flow stays NEW until a reply is seen; the reply and later packets are ESTABLISHED', () => {
    const t = box([
      table('t', [
        baseChain('fwd', 'forward', 0, [
          rule(isNew, setXmark('meta', 0x10, 0x10)),
          rule(isEstablished, setXmark('meta', 0x20, 0x20)),
        ]),
      ]),
    ]);
    const reply = labPacket({ iif: 'r1', saddr: '203.0.113.7', daddr: '10.70.0.2', sport: 53, dport: 40000 });
    const marks = simulate(t, [labPacket(), labPacket(), reply, labPacket()]).packets.map((p) => p.mark);
    expect(marks).toEqual([0x10, 0x10, 0x20, 0x20]);
  });

  it('a dropped first packet leaves no connection: its ct mark is lost', () => {
    const t = box([
      table('t', [
        baseChain('pre', 'prerouting', -150, [rule(setXmark('ct', 0x5)), rule(markIs('meta', 1), drop)]),
        baseChain('fwd', 'forward', 0, [rule(markIs('ct', 0x5), setXmark('meta', 0x100, 0x100))]),
      ]),
    ]);
    const [a, c] = simulate(t, [labPacket({ mark: 1 }), labPacket({ mark: 0 })]).packets;
    expect(a!.verdict).toBe('drop');
    const ct = c!.steps.find((s) => s.kind === 'conntrack');
    expect(ct?.kind === 'conntrack' && ct.state).toMatch(/first packet/);
    expect(c!.mark).toBe(0x100);
  });

  it('nat chains see only the first packet of a connection, and DNAT to an address steers routing', () => {
    const t = box([
      table(
        'nat',
        [
          baseChain(
            'PREROUTING',
            'prerouting',
            -100,
            [
              rule({
                kind: 'nat',
                type: 'dnat',
                to: '198.51.100.9',
                text: '-j DNAT --to-destination 198.51.100.9',
              }),
            ],
            { type: 'nat' },
          ),
        ],
        { origin: 'iptables' },
      ),
    ]);
    const [a, c] = simulate(t, [labPacket(), labPacket()]).packets;
    expect(a).toMatchObject({ oif: 'r2' });
    expect(c).toMatchObject({ oif: 'r2' });
    expect(c!.steps.filter((s) => s.kind === 'rule')).toHaveLength(0);
  });
});
