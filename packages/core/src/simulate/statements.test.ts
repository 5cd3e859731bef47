import { describe, expect, it } from 'vitest';
import { constantWrite, sourcedWrite } from '../bits/algebra';
import type { Rule } from '../ir/types';
import {
  accept,
  baseChain,
  box,
  drop,
  labPacket,
  markIs,
  restoreMark,
  rule,
  saveMark,
  setXmark,
  table,
  write,
} from '../testing/ir-builders';
import { simulate } from './simulate';

const pre = (rules: Rule[], origin: 'nft' | 'iptables' = 'nft', name = 'mangle') =>
  box([table(name, [baseChain('PREROUTING', 'prerouting', -150, rules)], { origin })]);

describe('mark statements', () => {
  it('applies xt MARK forms through the one algebra', () => {
    // --set-xmark 0x200/0x3f00 on 0xffff: clear 0x3f00, then xor 0x200.
    expect(
      simulate(pre([rule(setXmark('meta', 0x200, 0x3f00))]), [labPacket({ mark: 0xffff })]).packets[0]!.mark,
    ).toBe(0xc2ff);
    // --xor-mark 0x4000 = --set-xmark 0x4000/0x0: toggles.
    expect(
      simulate(pre([rule(setXmark('meta', 0x4000, 0))]), [labPacket({ mark: 0x4001 })]).packets[0]!.mark,
    ).toBe(0x1);
    // --set-xmark 0x1ff/0xff00: value bits outside the mask are toggled, not set.
    expect(
      simulate(pre([rule(setXmark('meta', 0x1ff, 0xff00))]), [labPacket({ mark: 0x0f0f })]).packets[0]!.mark,
    ).toBe(0x1f0);
  });

  it('sets ct mark from the packet mark with masks and shifts (CONNMARK --save-mark, nft ct mark set meta mark << 8)', () => {
    const b = pre([
      rule(saveMark(0xff, 0xff00)),
      rule(write(sourcedWrite('ct', 0xffff00ff, { space: 'meta', take: 0xff, shift: 8 }))),
    ]);
    const r = simulate(b, [labPacket({ mark: 0x12345 })]).packets[0]!;
    // save with nfmask 0xff, ctmask 0xff00: ct = (0 & ~0xff00) ^ (0x45) = 0x45; then bits 8..15 = 0x45 << 8.
    expect(r.ctmark).toBe(0x4545);
  });

  it('restores the packet mark from ct mark keeping other bits (CONNMARK --restore-mark --nfmask/--ctmask)', () => {
    const b = pre([rule(setXmark('ct', 0xab00)), rule(restoreMark(0xff00, 0xff00))]);
    expect(simulate(b, [labPacket({ mark: 0x12345 })]).packets[0]!.mark).toBe(0x1ab45);
  });

  it('meta mark set ct mark overwrites the whole mark', () => {
    const b = pre([
      rule(setXmark('ct', 0x7)),
      rule(write(sourcedWrite('meta', 0, { space: 'ct', take: 0xffffffff, shift: 0 }))),
    ]);
    expect(simulate(b, [labPacket({ mark: 0xf0f0 })]).packets[0]!.mark).toBe(0x7);
  });

  it('in the raw table (before conntrack) ct mark writes do nothing and ct mark matches are false, even inverted', () => {
    const raw = box([
      table('raw', [
        baseChain('pre', 'prerouting', -300, [
          rule(write(constantWrite('ct', 0, 0x55))),
          rule(markIs('ct', 0), setXmark('meta', 0x1, 0x1)),
          rule(markIs('ct', 0, 0xffffffff, true), setXmark('meta', 0x2, 0x2)),
        ]),
      ]),
    ]);
    const r = simulate(raw, [labPacket()]).packets[0]!;
    expect(r.mark).toBe(0);
    expect(r.ctmark).toBe(0);
  });

  it('looks up a mark in a map (meta mark set udp dport map {...}); no entry stops the rule', () => {
    const mapRule = rule({
      kind: 'markMap',
      dst: 'meta',
      key: { kind: 'port', dir: 'dst', proto: 17 },
      map: {
        kind: 'elements',
        entries: [
          { key: [53, 53], value: 0x35 },
          { key: [100, 200], value: 0x99 },
        ],
      },
    });
    const b = pre([mapRule, rule(setXmark('meta', 0x1000, 0x1000))]);
    const [a, c, d] = simulate(b, [
      labPacket(),
      labPacket({ dport: 150, sport: 2 }),
      labPacket({ dport: 9, sport: 3, mark: 4 }),
    ]).packets;
    expect(a!.mark).toBe(0x1035);
    expect(c!.mark).toBe(0x1099);
    expect(d!.mark).toBe(0x1004);
  });

  it('dispatches on a verdict map keyed on the mark', () => {
    const b = box([
      table('t', [
        baseChain('fwd', 'forward', 0, [
          rule({
            kind: 'vmap',
            key: { kind: 'mark', key: { space: 'meta', mask: 0xff, shift: 0 } },
            map: {
              kind: 'elements',
              entries: [
                { key: [1, 1], verdict: { kind: 'drop' } },
                { key: [2, 2], verdict: { kind: 'accept' } },
              ],
            },
          }),
          rule(drop),
        ]),
      ]),
    ]);
    const verdicts = simulate(b, [
      labPacket({ mark: 0x101 }),
      labPacket({ mark: 0x2, sport: 5 }),
      labPacket({ mark: 3, sport: 6 }),
    ]).packets.map((p) => p.verdict);
    expect(verdicts).toEqual(['drop', 'accept', 'drop']);
  });

  it('treats counter and log as having no effect on marks or verdict', () => {
    const b = pre([
      rule({ kind: 'counter' }, { kind: 'log', prefix: 'x' }, setXmark('meta', 3)),
      rule(accept),
    ]);
    expect(simulate(b, [labPacket()]).packets[0]).toMatchObject({ mark: 3, verdict: 'accept' });
  });
});

describe('secmark', () => {
  it('tracks labels: SECMARK, CONNSECMARK --save only into an unlabelled connection, --restore only into an unlabelled packet', () => {
    const rules: Rule[] = [
      rule({ kind: 'secmarkSet', dst: 'meta', label: 'system_u:object_r:a_t:s0' }),
      rule({ kind: 'secmarkCopy', dst: 'ct', mode: 'connsecmark' }),
      rule({ kind: 'secmarkSet', dst: 'meta', label: 'system_u:object_r:b_t:s0' }),
      rule({ kind: 'secmarkCopy', dst: 'ct', mode: 'connsecmark' }),
    ];
    const r = simulate(pre(rules, 'iptables'), [labPacket()]).packets[0]!;
    expect(r.secmark).toBe('system_u:object_r:b_t:s0');
    expect(r.ctsecmark).toBe('system_u:object_r:a_t:s0');
    expect(r.steps.filter((s) => s.kind === 'secmark').length).toBe(3);
  });

  it('nft ct secmark set meta secmark always overwrites, and restores on a later packet of the flow', () => {
    const rules: Rule[] = [
      rule(
        { kind: 'ctstate', states: ['new'], invert: false },
        { kind: 'secmarkSet', dst: 'meta', label: 'ssh_server' },
      ),
      rule(
        { kind: 'ctstate', states: ['new'], invert: false },
        { kind: 'secmarkCopy', dst: 'ct', mode: 'copy' },
      ),
      rule(
        { kind: 'ctstate', states: ['established'], invert: false },
        { kind: 'secmarkCopy', dst: 'meta', mode: 'copy' },
      ),
    ];
    const first = labPacket();
    const reply = labPacket({ iif: 'r1', saddr: '203.0.113.7', daddr: '10.70.0.2', sport: 53, dport: 40000 });
    const [a, b] = simulate(pre(rules), [first, reply]).packets;
    expect(a!.ctsecmark).toBe('ssh_server');
    expect(b!.secmark).toBe('ssh_server');
  });
});
