import { describe, expect, it } from 'vitest';
import { constantWrite, sourcedWrite } from '../bits/algebra';
import type { IpRule, Rule, Ruleset, TcFilter } from '../ir/types';
import { bitsInUse, bitUsage, ipRuleBitUsage, tcBitUsage } from './bit-usage';

const rule = (...exprs: Rule['exprs']): Rule => ({ exprs });

function rulesetOf(...rules: Rule[]): Ruleset {
  return {
    tables: [
      {
        family: 'ip',
        name: 'mangle',
        origin: 'iptables',
        sets: [],
        secmarks: [],
        chains: [
          {
            name: 'PREROUTING',
            base: { type: 'filter', hook: 'prerouting', priority: -150, policy: 'accept' },
            rules,
          },
        ],
      },
    ],
  };
}

describe('bitUsage', () => {
  it('reads the mask of a mark match and writes the bits a masked write changes', () => {
    const [usage] = bitUsage(
      rulesetOf(
        rule(
          {
            kind: 'mark',
            key: { space: 'meta', mask: 0xff00, shift: 0 },
            values: { kind: 'ranges', ranges: [[0x200, 0x200]] },
            invert: false,
          },
          { kind: 'markWrite', write: constantWrite('meta', ~0x30000, 0x10000) },
        ),
      ),
    );
    expect(usage).toMatchObject({
      where: 'ip mangle PREROUTING #1',
      reads: { fwmark: 0xff00, ctmark: 0 },
      writes: { fwmark: 0x30000, ctmark: 0 },
      wholeMarkWrite: { fwmark: false, ctmark: false },
      uncertain: false,
    });
    // An xtables table shows its rules as iptables-save prints them.
    expect(usage!.rule).toBe('-m mark --mark 0x200/0xff00 -j MARK --set-xmark 0x10000/0x30000');
  });

  it('flags whole-mark writes: --set-mark V and meta mark set ct mark', () => {
    const usages = bitUsage(
      rulesetOf(
        rule({ kind: 'markWrite', write: constantWrite('meta', 0, 0x1) }),
        rule({
          kind: 'markWrite',
          write: sourcedWrite('meta', 0, { space: 'ct', take: 0xffffffff, shift: 0 }),
        }),
        rule({
          kind: 'markWrite',
          write: sourcedWrite('ct', ~0xff, { space: 'meta', take: 0xff, shift: 0 }),
        }),
      ),
    );
    expect(usages.map((u) => u.wholeMarkWrite.fwmark)).toEqual([true, true, false]);
    expect(usages[1]!.reads.ctmark).toBe(0xffffffff);
    // CONNMARK --save-mark --mask 0xff: reads fwmark 0xff, writes ctmark 0xff.
    expect(usages[2]).toMatchObject({
      reads: { fwmark: 0xff, ctmark: 0 },
      writes: { fwmark: 0, ctmark: 0xff },
    });
  });

  it('counts a shifted source by the bits it reads, and where it lands by the bits it writes', () => {
    const [usage] = bitUsage(
      rulesetOf(
        rule({
          kind: 'markWrite',
          write: sourcedWrite('ct', ~0xff00, { space: 'meta', take: 0xff, shift: 8 }),
        }),
      ),
    );
    expect(usage).toMatchObject({ reads: { fwmark: 0xff }, writes: { ctmark: 0xff00 } });
  });

  it('reads mark map keys and treats the mapped write as a whole-mark write', () => {
    const [usage] = bitUsage(
      rulesetOf(
        rule({
          kind: 'markMap',
          dst: 'meta',
          key: { kind: 'mark', key: { space: 'ct', mask: 0xf, shift: 0 } },
          map: { kind: 'elements', entries: [{ key: [1, 1], value: 0x100 }] },
        }),
        rule({
          kind: 'vmap',
          key: { kind: 'mark', key: { space: 'meta', mask: 0xf0, shift: 0 } },
          map: { kind: 'mapRef', name: 'm' },
        }),
      ),
    );
    expect(usage).toMatchObject({
      reads: { ctmark: 0xf },
      writes: { fwmark: 0xffffffff },
      wholeMarkWrite: { fwmark: true },
    });
  });

  it('is uncertain only for opaque expressions that may touch marks', () => {
    const usages = bitUsage(
      rulesetOf(
        rule({
          kind: 'opaque',
          text: 'xt target FOO',
          role: 'statement',
          readsMark: false,
          writesMark: true,
        }),
        rule({ kind: 'opaque', text: 'tcp option mss', role: 'match', readsMark: false, writesMark: false }),
      ),
    );
    expect(usages.map((u) => u.uncertain)).toEqual([true, false]);
    expect(usages[0]!.rule).toBe('xt target FOO');
  });

  it('shows rules of nft tables as nft list prints them', () => {
    const ruleset = rulesetOf(rule({ kind: 'markWrite', write: constantWrite('ct', ~0xff, 0x12) }));
    const nft: Ruleset = { tables: [{ ...ruleset.tables[0]!, family: 'inet', name: 'fw', origin: 'nft' }] };
    const [usage] = bitUsage(nft);
    expect(usage).toMatchObject({
      where: 'inet fw PREROUTING #1',
      rule: 'ct mark set ct mark & 0xffffff12 | 0x00000012',
    });
  });

  it('prefers the text a parser kept', () => {
    const [usage] = bitUsage(
      rulesetOf({ exprs: [], source: { line: 3, text: '-A PREROUTING -j MARK --set-xmark 0x1/0x1' } }),
    );
    expect(usage!.rule).toBe('-A PREROUTING -j MARK --set-xmark 0x1/0x1');
  });
});

describe('ipRuleBitUsage and tcBitUsage', () => {
  it('reads the fwmark mask; a bare fwmark 0 reads nothing', () => {
    const rules: IpRule[] = [
      {
        family: 4,
        priority: 10002,
        not: false,
        fwmark: { value: 0x2000000, mask: 0x3000000 },
        action: { kind: 'table', table: '100' },
        protocol: '77',
      },
      {
        family: 6,
        priority: 200,
        not: false,
        fwmark: { value: 0, mask: 0 },
        action: { kind: 'table', table: '200' },
      },
    ];
    const usages = ipRuleBitUsage(rules);
    expect(usages[0]).toMatchObject({ where: 'ip rule 10002', reads: { fwmark: 0x3000000 } });
    expect(usages[0]!.rule).toBe('from all fwmark 0x2000000/0x3000000 lookup 100 proto 77');
    expect(usages[1]).toMatchObject({ where: 'ip -6 rule 200', reads: { fwmark: 0 } });
  });

  it('reads the mask of fw and u32 mark filters; opaque mark-like filters are uncertain', () => {
    const base = { dev: 'wan0', parent: '1:', protocol: 'all', priority: 10 };
    const filters: TcFilter[] = [
      { ...base, classifier: { kind: 'fw', handle: 0x4000000, mask: 0x4000000 }, classid: '1:30' },
      { ...base, classifier: { kind: 'u32-mark', value: 0x10, mask: 0xf0 } },
      { ...base, classifier: { kind: 'opaque', text: 'matchall action skbedit mark 0x1' } },
      { ...base, classifier: { kind: 'opaque', text: 'flower ip_proto udp' } },
    ];
    const usages = tcBitUsage(filters);
    expect(usages.map((u) => u.reads.fwmark)).toEqual([0x4000000, 0xf0, 0, 0]);
    expect(usages.map((u) => u.uncertain)).toEqual([false, false, true, false]);
    expect(usages[0]!.rule).toBe(
      'dev wan0 parent 1: protocol all pref 10 handle 0x4000000/0x4000000 fw classid 1:30',
    );
  });
});

describe('bitsInUse', () => {
  it('unions reads, writes and flags', () => {
    const total = bitsInUse([
      ...bitUsage(rulesetOf(rule({ kind: 'markWrite', write: constantWrite('ct', 0, 5) }))),
      ...ipRuleBitUsage([
        {
          family: 4,
          priority: 1,
          not: false,
          fwmark: { value: 1, mask: 0x81 },
          action: { kind: 'blackhole' },
        },
      ]),
    ]);
    expect(total).toEqual({
      reads: { fwmark: 0x81, ctmark: 0 },
      writes: { fwmark: 0, ctmark: 0xffffffff },
      any: { fwmark: 0x81, ctmark: 0xffffffff },
      wholeMarkWrite: { fwmark: false, ctmark: true },
      uncertain: false,
    });
  });
});
