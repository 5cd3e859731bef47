import { describe, expect, it } from 'vitest';
import type { TraceStep } from '../reports/types';
import {
  accept,
  baseChain,
  box,
  cidr,
  drop,
  gotoChain,
  jump,
  labPacket,
  markInSet,
  markIs,
  ret,
  rule,
  setXmark,
  table,
  userChain,
  verdict,
} from '../testing/ir-builders';
import { simulate } from './simulate';

const ruleSteps = (steps: readonly TraceStep[]) => steps.filter((s) => s.kind === 'rule');

describe('hook order and verdicts', () => {
  it('runs base chains of nft and iptables tables at one hook in priority order', () => {
    const b = box([
      table('late', [baseChain('pre', 'prerouting', -100, [rule(setXmark('meta', 0x2, 0x2))])]),
      table('mangle', [baseChain('PREROUTING', 'prerouting', -150, [rule(setXmark('meta', 0x1, 0x1))])], {
        origin: 'iptables',
      }),
      table('early', [
        baseChain('pre', 'prerouting', -300, [rule(markIs('meta', 0), setXmark('meta', 0x10))]),
      ]),
    ]);
    const [r] = simulate(b, [labPacket()]).packets;
    expect(ruleSteps(r!.steps).map((s) => s.kind === 'rule' && s.table)).toEqual(['early', 'mangle', 'late']);
    expect(r!.mark).toBe(0x13);
  });

  it('accept ends only its own base chain: a later base chain at the same hook still runs', () => {
    const b = box([
      table('a', [baseChain('pre', 'prerouting', -150, [rule(accept), rule(setXmark('meta', 0x99))])]),
      table('b', [baseChain('pre', 'prerouting', -100, [rule(setXmark('meta', 0x5, 0xf))])]),
    ]);
    const [r] = simulate(b, [labPacket()]).packets;
    expect(r!.mark).toBe(0x5);
    expect(r!.verdict).toBe('accept');
  });

  it('drop at prerouting ends the packet with the marks it had', () => {
    const b = box([
      table('t', [baseChain('pre', 'prerouting', -150, [rule(setXmark('meta', 0x7)), rule(drop)])]),
    ]);
    const [r] = simulate(b, [labPacket()]).packets;
    expect(r).toMatchObject({ verdict: 'drop', mark: 0x7, oif: null });
  });

  it('reject is a drop in outcome; a drop policy drops what no rule accepted', () => {
    const rej = box([
      table('t', [
        baseChain('fwd', 'forward', 0, [rule(verdict({ kind: 'reject', with: 'icmp port-unreachable' }))]),
      ]),
    ]);
    expect(simulate(rej, [labPacket()]).packets[0]!.verdict).toBe('drop');
    const pol = box([
      table('t', [baseChain('fwd', 'forward', 0, [rule(markIs('meta', 1), accept)], { policy: 'drop' })]),
    ]);
    expect(simulate(pol, [labPacket({ mark: 1 })]).packets[0]!.verdict).toBe('accept');
    const r = simulate(pol, [labPacket({ mark: 2 })]).packets[0]!;
    expect(r.verdict).toBe('drop');
    expect(r.steps.some((s) => s.kind === 'policy' && s.verdict === 'drop')).toBe(true);
  });

  it('jump returns to the caller; goto does not; return in a base chain applies the policy', () => {
    const chains = [
      baseChain('pre', 'prerouting', -150, [rule(jump('sub')), rule(setXmark('meta', 0x100, 0x100))]),
      userChain('sub', [rule(setXmark('meta', 0x1, 0x1)), rule(ret), rule(setXmark('meta', 0x2, 0x2))]),
    ];
    expect(simulate(box([table('t', chains)]), [labPacket()]).packets[0]!.mark).toBe(0x101);
    const viaGoto = [
      baseChain('pre', 'prerouting', -150, [rule(jump('mid')), rule(setXmark('meta', 0x100, 0x100))]),
      userChain('mid', [rule(gotoChain('sub')), rule(setXmark('meta', 0x4, 0x4))]),
      userChain('sub', [rule(setXmark('meta', 0x1, 0x1))]),
    ];
    // goto replaces mid: at the end of sub control returns to pre, skipping the rest of mid.
    expect(simulate(box([table('t', viaGoto)]), [labPacket()]).packets[0]!.mark).toBe(0x101);
    const retBase = [baseChain('fwd', 'forward', 0, [rule(ret), rule(accept)], { policy: 'drop' })];
    expect(simulate(box([table('t', retBase)]), [labPacket()]).packets[0]!.verdict).toBe('drop');
  });

  it('continue goes on with the next rule; queue is modelled as accept with a note', () => {
    const b = box([
      table('t', [
        baseChain(
          'fwd',
          'forward',
          0,
          [rule(verdict({ kind: 'continue' })), rule(verdict({ kind: 'queue', num: 3 }))],
          {
            policy: 'drop',
          },
        ),
      ]),
    ]);
    const r = simulate(b, [labPacket()]).packets[0]!;
    expect(r.verdict).toBe('accept');
    const q = ruleSteps(r.steps)[1]!;
    expect(q.kind === 'rule' && q.note).toMatch(/queue/);
  });

  it('matches a mark against a named set under a mask, and inverted', () => {
    const sets = [
      {
        name: 'tagged',
        type: 'mark',
        isMap: false,
        flags: [],
        elements: [{ kind: 'range' as const, range: [0x10, 0x30] as const }],
      },
    ];
    const b = box([
      table(
        't',
        [
          baseChain('pre', 'prerouting', -150, [
            rule(markInSet('meta', 0xf0, 'tagged'), setXmark('meta', 0x1000, 0x1000)),
            rule(markInSet('meta', 0xf0, 'tagged', true), setXmark('meta', 0x2000, 0x2000)),
          ]),
        ],
        { sets },
      ),
    ]);
    const [a, c] = simulate(b, [labPacket({ mark: 0x2f }), labPacket({ mark: 0x4f, sport: 40001 })]).packets;
    expect(a!.mark).toBe(0x102f);
    expect(c!.mark).toBe(0x204f);
  });

  it('traces every rule with marks before and after, and counts opaque matches as not matching', () => {
    const b = box([
      table('t', [
        baseChain('pre', 'prerouting', -150, [
          rule(
            { kind: 'opaque', text: 'meta cpu 1', role: 'match', readsMark: false, writesMark: false },
            setXmark('meta', 1),
          ),
          rule(setXmark('meta', 0x4000, 0x4000)),
        ]),
      ]),
    ]);
    const r = simulate(b, [labPacket({ mark: 0x1 })]).packets[0]!;
    const steps = ruleSteps(r.steps);
    expect(steps[0]).toMatchObject({
      matched: false,
      markBefore: 1,
      markAfter: 1,
      note: expect.stringMatching(/meta cpu 1/),
    });
    expect(steps[1]).toMatchObject({
      matched: true,
      markBefore: 1,
      markAfter: 0x4001,
      hook: 'prerouting',
      table: 't',
      chain: 'pre',
      priority: -150,
    });
    expect(r.unknownExprs).toBe(1);
  });

  it('refuses a jump to a chain the table does not define, naming the rule', () => {
    const b = box([table('t', [baseChain('pre', 'prerouting', -150, [rule(jump('nowhere'))])])]);
    expect(() => simulate(b, [labPacket()])).toThrow(/ip t pre rule 1.*nowhere/);
  });

  it('applies ip tables to IPv4 only, ip6 to IPv6 only, inet to both', () => {
    const tables = [
      table('v4', [baseChain('p', 'prerouting', -150, [rule(setXmark('meta', 0x1, 0x1))])], { family: 'ip' }),
      table('v6', [baseChain('p', 'prerouting', -150, [rule(setXmark('meta', 0x2, 0x2))])], {
        family: 'ip6',
      }),
      table('both', [baseChain('p', 'prerouting', -150, [rule(setXmark('meta', 0x4, 0x4))])], {
        family: 'inet',
      }),
    ];
    const b = box(tables, { routes: [] });
    const [v4, v6] = simulate(b, [
      labPacket(),
      labPacket({ saddr: '2001:db8::2', daddr: '2001:db8:1::7' }),
    ]).packets;
    expect(v4!.mark).toBe(0x5);
    expect(v6!.mark).toBe(0x6);
  });

  // Found by the differential test (seed 777): an iptables mangle table loaded after an nft table at the same
  // priority ran first on the kernel.
  it('runs the later-registered of two base chains at equal priority first, as the kernel does', () => {
    const b = box([
      table('mwsim', [
        baseChain('pre', 'prerouting', -150, [rule(markIs('meta', 0x7b6), setXmark('meta', 0))]),
      ]),
      table('mangle', [baseChain('PREROUTING', 'prerouting', -150, [rule(setXmark('meta', 0x7b6, 0x3))])], {
        origin: 'iptables',
      }),
    ]);
    const r = simulate(b, [labPacket()]).packets[0]!;
    expect(ruleSteps(r.steps).map((s) => s.kind === 'rule' && s.table)).toEqual(['mangle', 'mwsim']);
    expect(r.mark).toBe(0);
  });

  // Checked with --verify on the kernel: conntrack registers its hooks with the first rule that needs it.
  it('places conntrack among chains at -200 by when a ct rule first appeared', () => {
    const isNew = rule({ kind: 'ctstate', states: ['new'], invert: false }, setXmark('meta', 0x8, 0x8));
    const isInvalid = rule(
      { kind: 'ctstate', states: ['invalid'], invert: false },
      setXmark('meta', 0x10, 0x10),
    );
    const own = box([table('t200', [baseChain('pre', 'prerouting', -200, [isNew, isInvalid])])]);
    expect(simulate(own, [labPacket()]).packets[0]!.mark).toBe(0x8);
    const older = box([
      table('first', [
        baseChain('pre', 'prerouting', -300, [rule({ kind: 'ctstate', states: ['new'], invert: false })]),
      ]),
      table('t200', [baseChain('pre', 'prerouting', -200, [isNew, isInvalid])]),
    ]);
    expect(simulate(older, [labPacket()]).packets[0]!.mark).toBe(0x10);
  });

  it('matches interfaces (exact, nft * and iptables + wildcards, inverted) and IPv4/IPv6 prefixes', () => {
    const iface = (names: string[], invert = false, dir: 'in' | 'out' = 'in') =>
      ({ kind: 'iface', dir, names, invert }) as const;
    const addr = (dir: 'src' | 'dst', text: string, invert = false) =>
      ({ kind: 'addr', dir, set: { kind: 'cidrs', cidrs: [cidr(text)] }, invert }) as const;
    const b = box([
      table(
        't',
        [
          baseChain('fwd', 'forward', 0, [
            rule(iface(['r0']), setXmark('meta', 0x1, 0x1)),
            rule(iface(['r*']), setXmark('meta', 0x2, 0x2)),
            rule(iface(['eth+']), setXmark('meta', 0x4, 0x4)),
            rule(iface(['r0'], true), setXmark('meta', 0x8, 0x8)),
            rule(iface(['r1'], false, 'out'), setXmark('meta', 0x10, 0x10)),
            rule(addr('src', '10.70.0.0/24'), setXmark('meta', 0x20, 0x20)),
            rule(addr('dst', '203.0.113.7'), setXmark('meta', 0x40, 0x40)),
            rule(addr('dst', '203.0.113.0/24', true), setXmark('meta', 0x80, 0x80)),
            rule(addr('src', '2001:db8::/32'), setXmark('meta', 0x100, 0x100)),
            rule(addr('src', '10.0.0.0/8', true), setXmark('meta', 0x200, 0x200)),
          ]),
        ],
        { family: 'inet' },
      ),
    ]);
    expect(simulate(b, [labPacket()]).packets[0]!.mark).toBe(0x1 | 0x2 | 0x10 | 0x20 | 0x40);
    const v6 = box([...b.ruleset.tables], { routes: [] });
    const r6 = simulate(v6, [labPacket({ saddr: '2001:db8::2', daddr: '2001:db8:1::7', oif: 'r1' })])
      .packets[0]!;
    // IPv4 prefixes never match an IPv6 packet, inverted or not.
    expect(r6.mark).toBe(0x1 | 0x2 | 0x10 | 0x100);
  });
});
