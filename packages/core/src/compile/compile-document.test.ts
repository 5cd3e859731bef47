import { describe, expect, it } from 'vitest';
import type { MarkwrightDocument } from '../document/types';
import type { Chain, Rule } from '../ir/types';
import { EDGE, field } from '../testing/documents';
import { compileDocument, compileIptablesRuleset } from './compile-document';
import { MARKWRIGHT_RULE_PROTOCOL } from './options';

const chain = (doc: MarkwrightDocument, name: string, options = {}): Chain => {
  const found = compileDocument(doc, options).ruleset.tables[0]!.chains.find((c) => c.name === name);
  if (!found) throw new Error(`no chain ${name}`);
  return found;
};
const kinds = (rule: Rule) => rule.exprs.map((e) => e.kind);
const withPolicy = (policy: Partial<MarkwrightDocument['policy']>): MarkwrightDocument => ({
  ...EDGE,
  policy: { rules: [], routes: [], classes: [], ...policy },
});

describe('compileDocument: the nft table', () => {
  it('owns table inet markwright with mangle-priority prerouting (filter) and output (route) chains', () => {
    const table = compileDocument(EDGE).ruleset.tables[0]!;
    expect(table).toMatchObject({ family: 'inet', name: 'markwright', origin: 'nft' });
    expect(table.chains.map((c) => [c.name, c.base])).toEqual([
      ['prerouting', { type: 'filter', hook: 'prerouting', priority: -150, policy: 'accept' }],
      ['output', { type: 'route', hook: 'output', priority: -150, policy: 'accept' }],
    ]);
    expect(compileDocument(EDGE, { table: 'mw2' }).ruleset.tables[0]!.name).toBe('mw2');
  });

  it('adds forward and postrouting chains only when a rule uses them', () => {
    const doc = withPolicy({
      rules: [{ name: 'fwd', hook: 'forward', match: { oif: 'wan0' }, set: { bulk: 1 } }],
    });
    expect(compileDocument(doc).ruleset.tables[0]!.chains.map((c) => c.name)).toEqual([
      'prerouting',
      'output',
      'forward',
    ]);
  });

  it('compiles a policy rule to its matches and one masked write per space', () => {
    const rules = chain(EDGE, 'prerouting').rules.filter((r) => r.comment === 'voip via isp2');
    expect(rules).toEqual([
      {
        comment: 'voip via isp2',
        exprs: [
          {
            kind: 'port',
            dir: 'dst',
            proto: 17,
            values: { kind: 'ranges', ranges: [[5555, 5555]] },
            invert: false,
          },
          { kind: 'markWrite', write: { dst: 'meta', keep: 0xfcffffff, src: null, xor: 0x02000000 } },
        ],
      },
    ]);
  });

  it('splits newOnly fields into a rule guarded by ct state new, connmark fields writing the ct mark', () => {
    const rules = chain(EDGE, 'prerouting').rules.filter((r) => r.comment === 'backups are bulk');
    expect(rules).toHaveLength(2);
    expect(rules[0]!.exprs).toEqual([
      { kind: 'iface', dir: 'in', names: ['lan0'], invert: false },
      {
        kind: 'port',
        dir: 'dst',
        proto: 6,
        values: {
          kind: 'ranges',
          ranges: [
            [873, 873],
            [9000, 9100],
          ],
        },
        invert: false,
      },
      { kind: 'markWrite', write: { dst: 'meta', keep: 0xfbffffff, src: null, xor: 0x04000000 } },
    ]);
    expect(rules[1]!.exprs.slice(2)).toEqual([
      { kind: 'ctstate', states: ['new'], invert: false },
      { kind: 'markWrite', write: { dst: 'ct', keep: 0xfffff0ff, src: null, xor: 0x300 } },
    ]);
  });

  it('matches field values already in the marks', () => {
    const doc = withPolicy({
      rules: [
        { name: 'tenant 2 bulk', match: { fields: { tenant: 2, uplink: 'isp1' } }, set: { bulk: true } },
      ],
    });
    const rule = chain(doc, 'prerouting').rules.find((r) => r.comment === 'tenant 2 bulk')!;
    expect(rule.exprs.slice(0, 2)).toEqual([
      {
        kind: 'mark',
        key: { space: 'meta', mask: 0x03000000, shift: 0 },
        values: { kind: 'ranges', ranges: [[0x01000000, 0x01000000]] },
        invert: false,
      },
      {
        kind: 'mark',
        key: { space: 'ct', mask: 0xf00, shift: 0 },
        values: { kind: 'ranges', ranges: [[0x200, 0x200]] },
        invert: false,
      },
    ]);
  });

  it('restores persisted bits first and saves them last, in both entry chains', () => {
    for (const name of ['prerouting', 'output']) {
      const rules = chain(EDGE, name).rules;
      // uplink occupies 2 bits: clear + one rule per bit, for restore and for save.
      expect(rules.slice(0, 3).every((r) => r.comment === 'markwright: restore persisted fields')).toBe(true);
      expect(rules.slice(-3).every((r) => r.comment === 'markwright: save persisted fields')).toBe(true);
      expect(kinds(rules[1]!)).toEqual(['ctstate', 'mark', 'markWrite']);
    }
  });

  it('has no persistence rules when no field persists', () => {
    const doc: MarkwrightDocument = {
      ...EDGE,
      layout: { fields: [field('bulk', 26, 1)] },
      policy: { rules: [], routes: [], classes: [] },
    };
    expect(compileDocument(doc).ruleset.tables[0]!.chains.every((c) => c.rules.length === 0)).toBe(true);
  });

  it('restricts family-neutral rules with meta nfproto when compiled for one family', () => {
    const rule = chain(EDGE, 'prerouting', { families: 4 }).rules.find((r) => r.comment === 'voip via isp2')!;
    expect(rule.exprs[0]).toEqual({ kind: 'l3proto', family: 4, invert: false });
    const v6only = withPolicy({
      rules: [{ name: 'v6', match: { saddr: '2001:db8::/32' }, set: { bulk: 1 } }],
    });
    expect(chain(v6only, 'prerouting', { families: 4 }).rules.some((r) => r.comment === 'v6')).toBe(false);
    expect(
      chain(v6only, 'prerouting', { families: 6 }).rules.find((r) => r.comment === 'v6')!.exprs[0],
    ).toEqual({
      kind: 'addr',
      dir: 'src',
      set: { kind: 'cidrs', cidrs: [{ family: 6, address: '2001:db8::', prefix: 32 }] },
      invert: false,
    });
  });
});

describe('compileDocument: ip rules and tc filters', () => {
  it('makes tagged ip rules per family, selecting the field bits only', () => {
    const { ipRules } = compileDocument(EDGE);
    const proto = String(MARKWRIGHT_RULE_PROTOCOL);
    expect(ipRules).toEqual([
      {
        family: 4,
        priority: 10002,
        not: false,
        fwmark: { value: 0x02000000, mask: 0x03000000 },
        action: { kind: 'table', table: '100' },
        protocol: proto,
      },
      {
        family: 6,
        priority: 10002,
        not: false,
        fwmark: { value: 0x02000000, mask: 0x03000000 },
        action: { kind: 'table', table: '100' },
        protocol: proto,
      },
      {
        family: 4,
        priority: 10001,
        not: false,
        fwmark: { value: 0x01000000, mask: 0x03000000 },
        action: { kind: 'table', table: 'main' },
        protocol: proto,
      },
    ]);
    expect(
      compileDocument(EDGE, { families: 6, ruleProtocol: 99 }).ipRules.map((r) => [r.family, r.protocol]),
    ).toEqual([[6, '99']]);
  });

  it('makes fw filters, giving bindings with different masks different priorities', () => {
    const doc = withPolicy({
      classes: [
        { when: { bulk: 1 }, dev: 'wan0', classid: '1:30' },
        { when: { uplink: 'isp2' }, dev: 'wan0', classid: '1:20' },
        { when: { uplink: 'isp1' }, dev: 'wan0', classid: '1:10' },
        { when: { uplink: 'isp1' }, dev: 'wan1', classid: '1:10', priority: 7 },
      ],
    });
    expect(
      compileDocument(doc).tcFilters.map((f) => [f.dev, f.parent, f.priority, f.classifier, f.classid]),
    ).toEqual([
      ['wan0', 'root', 49000, { kind: 'fw', handle: 0x04000000, mask: 0x04000000 }, '1:30'],
      ['wan0', 'root', 49001, { kind: 'fw', handle: 0x02000000, mask: 0x03000000 }, '1:20'],
      ['wan0', 'root', 49001, { kind: 'fw', handle: 0x01000000, mask: 0x03000000 }, '1:10'],
      ['wan1', 'root', 7, { kind: 'fw', handle: 0x01000000, mask: 0x03000000 }, '1:10'],
    ]);
  });
});

describe('compileIptablesRuleset', () => {
  it('builds mangle chains jumped from the built-ins, one write per rule, exact CONNMARK persistence', () => {
    const { tables } = compileIptablesRuleset(EDGE);
    expect(tables.map((t) => `${t.family} ${t.name} ${t.origin}`)).toEqual([
      'ip mangle iptables',
      'ip6 mangle iptables',
    ]);
    const ip = tables[0]!;
    expect(ip.chains.map((c) => c.name)).toEqual([
      'PREROUTING',
      'OUTPUT',
      'MARKWRIGHT-PREROUTING',
      'MARKWRIGHT-OUTPUT',
    ]);
    expect(ip.chains[0]!.rules[0]!.exprs).toEqual([
      { kind: 'verdict', verdict: { kind: 'jump', target: 'MARKWRIGHT-PREROUTING' } },
    ]);
    const own = ip.chains[2]!.rules;
    expect(own[0]!.exprs).toEqual([
      { kind: 'ctstate', states: ['established', 'related'], invert: false },
      {
        kind: 'markWrite',
        write: { dst: 'meta', keep: 0xfcffffff, src: { space: 'ct', take: 0x03000000, shift: 0 }, xor: 0 },
      },
    ]);
    expect(own.at(-1)!.exprs[1]).toEqual({
      kind: 'markWrite',
      write: { dst: 'ct', keep: 0xfcffffff, src: { space: 'meta', take: 0x03000000, shift: 0 }, xor: 0 },
    });
    const voip = own.find((r) => r.comment === 'voip via isp2')!;
    expect(kinds(voip)).toEqual(['l4proto', 'port', 'markWrite']);
    expect(own.filter((r) => r.exprs.filter((e) => e.kind === 'markWrite').length > 1)).toEqual([]);
  });

  it('refuses a table name too long for iptables chain names', () => {
    expect(() => compileIptablesRuleset(EDGE, { table: 'a'.repeat(20) })).toThrow(
      /too long for iptables chain names/,
    );
  });
});

describe('compileDocument: errors name the path and the value', () => {
  const rule = (over: object) => withPolicy({ rules: [{ name: 'r', match: {}, set: { bulk: 1 }, ...over }] });
  const cases: [string, MarkwrightDocument, string][] = [
    [
      'unknown field',
      rule({ set: { colour: 1 } }),
      'policy.rules[0].set.colour: is not a field of the layout (fields: uplink, bulk, tenant) (got 1)',
    ],
    [
      'bad enum value',
      rule({ set: { uplink: 'isp3' } }),
      'policy.rules[0].set.uplink: is not a value of enum field "uplink"',
    ],
    ['empty set', rule({ set: {} }), 'policy.rules[0].set: must set at least one field'],
    [
      'oif in prerouting',
      rule({ match: { oif: 'wan0' } }),
      'policy.rules[0].match.oif: the output interface is not known in prerouting',
    ],
    [
      'iif in output',
      rule({ hook: 'output', match: { iif: 'lan0' } }),
      'policy.rules[0].match.iif: locally generated packets',
    ],
    [
      'ports without proto',
      rule({ match: { dport: 53 } }),
      'policy.rules[0].match.dport: ports need match.proto tcp or udp',
    ],
    ['icmp ports', rule({ match: { proto: 'icmp', sport: 1 } }), 'policy.rules[0].match.sport: ports need'],
    [
      'bad port',
      rule({ match: { proto: 'udp', dport: 70000 } }),
      'policy.rules[0].match.dport: ports are integers 0..65535 (got 70000)',
    ],
    ['reversed range', rule({ match: { proto: 'udp', dport: '2000-1000' } }), 'must not end below its start'],
    [
      'overlapping ports',
      rule({ match: { proto: 'udp', dport: [53, '50-60'] } }),
      'ports 50-60 and 53 overlap',
    ],
    [
      'mixed families',
      rule({ match: { saddr: '10.0.0.0/8', daddr: '2001:db8::1' } }),
      'policy.rules[0].match.daddr: is IPv6, but the rule already selects IPv4',
    ],
    [
      'icmp with IPv6',
      rule({ match: { proto: 'icmp', saddr: '2001:db8::1' } }),
      'policy.rules[0].match.proto: is IPv4',
    ],
    ['bad proto', rule({ match: { proto: 'sctpx' } }), 'policy.rules[0].match.proto: expected tcp, udp'],
    [
      'bad iface',
      rule({ match: { iif: 'a very long interface' } }),
      'policy.rules[0].match.iif: an interface name',
    ],
    [
      'bad hook',
      rule({ hook: 'input' }),
      'policy.rules[0].hook: expected one of prerouting, output, forward, postrouting (got "input")',
    ],
    ['quote in name', rule({ name: 'say "hi"' }), 'policy.rules[0].name: must not contain quotes'],
    [
      'empty route when',
      withPolicy({ routes: [{ when: {}, table: 100, priority: 10 }] }),
      'policy.routes[0].when: must name at least one fwmark field value',
    ],
    [
      'connmark in route',
      withPolicy({ routes: [{ when: { tenant: 1 }, table: 100, priority: 10 }] }),
      'policy.routes[0].when.tenant: is a connmark field',
    ],
    [
      'table 0',
      withPolicy({ routes: [{ when: { bulk: 1 }, table: 0, priority: 10 }] }),
      'policy.routes[0].table: must be a routing table number',
    ],
    [
      'priority 0',
      withPolicy({ routes: [{ when: { bulk: 1 }, table: 100, priority: 0 }] }),
      'policy.routes[0].priority: must be an ip rule priority',
    ],
    [
      'class on mark 0',
      withPolicy({ classes: [{ when: { bulk: 0 }, dev: 'wan0', classid: '1:1' }] }),
      'policy.classes[0].when: selects mark value 0',
    ],
    [
      'bad classid',
      withPolicy({ classes: [{ when: { bulk: 1 }, dev: 'wan0', classid: '1-30' }] }),
      'policy.classes[0].classid: must be a class id',
    ],
    [
      'mixed fw masks',
      withPolicy({
        classes: [
          { when: { bulk: 1 }, dev: 'wan0', classid: '1:1', priority: 5 },
          { when: { uplink: 'isp1' }, dev: 'wan0', classid: '1:2', priority: 5 },
        ],
      }),
      'policy.classes[1].priority: mixes fw masks with policy.classes[0]',
    ],
    [
      'duplicate class mark',
      withPolicy({
        classes: [
          { when: { bulk: 1 }, dev: 'wan0', classid: '1:1' },
          { when: { bulk: true }, dev: 'wan0', classid: '1:2' },
        ],
      }),
      'policy.classes[1].when: selects the same mark as policy.classes[0] on dev wan0',
    ],
    [
      'bad format',
      { ...EDGE, format: 'markwright/2' as 'markwright/1' },
      'format: must be "markwright/1" (got "markwright/2")',
    ],
    [
      'invalid layout',
      { ...EDGE, layout: { fields: [field('a', 0, 4), field('b', 2, 4)] } },
      'layout.fields[1].mask: fields "a" and "b" overlap in fwmark bits 0xc (got 60)',
    ],
  ];
  it.each(cases)('%s', (_name, doc, message) => {
    expect(() => compileDocument(doc)).toThrow(message);
  });

  it('refuses bad options', () => {
    expect(() => compileDocument(EDGE, { table: 'bad name' })).toThrow('table: must start with a letter');
    expect(() => compileDocument(EDGE, { ruleProtocol: 256 })).toThrow(
      'ruleProtocol: must be an integer 1..255',
    );
    expect(() => compileDocument(EDGE, { families: 5 as 4 })).toThrow('families: must be 4, 6 or "both"');
  });
});
