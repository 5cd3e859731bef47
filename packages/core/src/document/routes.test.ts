import { describe, expect, it } from 'vitest';
import { UPLINK_FILE_FIELD } from '../testing/dual-wan';
import { checkDocument, parseDocument } from './check';
import { bindingFamilies } from './route-families';
import { serializeDocument } from './serialize';

type Json = Record<string, unknown>;
const uplink = UPLINK_FILE_FIELD;
const zone = { name: 'zone', space: 'connmark', kind: 'flag', offset: 0 };

const doc = (routes: unknown[]): Json => ({
  format: 'markwright/1',
  name: 'dual-wan',
  layout: { fields: [uplink, zone] },
  policy: { routes },
});

const errorsOf = (routes: unknown[]): string[] =>
  checkDocument(doc(routes)).errors.map((e) => `${e.field}: ${e.message}`);

const binding = (extra: Json): Json => ({ when: { uplink: 'isp2' }, table: 200, priority: 10002, ...extra });

describe('route bindings with selectors', () => {
  it('reads iif, oif, from, to, not and suppress_prefixlength, and writes them back in a fixed order', () => {
    const routes = [
      binding({ iif: 'lan0', from: '192.168.1.0/24', to: '0.0.0.0/0', not: true, suppress_prefixlength: 0 }),
      { oif: 'wg0', table: 51820, priority: 10003, family: 6 },
      { table: 254, suppress_prefixlength: 0, priority: 10004 },
    ];
    const d = parseDocument(doc(routes));
    expect(d.policy.routes[0]).toEqual({
      when: { uplink: 'isp2' },
      iif: 'lan0',
      from: '192.168.1.0/24',
      to: '0.0.0.0/0',
      not: true,
      suppressPrefixlength: 0,
      table: 200,
      priority: 10002,
    });
    const written = serializeDocument(d).policy as { routes: Json[] };
    expect(Object.keys(written.routes[0]!)).toEqual([
      'when',
      'iif',
      'from',
      'to',
      'not',
      'suppress_prefixlength',
      'table',
      'priority',
    ]);
    expect(written.routes).toEqual(routes);
    expect(parseDocument(serializeDocument(d))).toEqual(d);
  });

  it('takes the family from the prefixes: an IPv4 "from" installs the rule for IPv4 only', () => {
    const d = parseDocument(doc([{ from: '10.0.0.0/8', table: 100, priority: 100 }, binding({})]));
    expect(bindingFamilies(d.policy.routes[0]!)).toEqual([4]);
    expect(bindingFamilies(d.policy.routes[1]!)).toEqual([4, 6]);
  });

  it('refuses bindings that select nothing, mixed families and bad selectors, naming path and value', () => {
    expect(errorsOf([{ table: 200, priority: 100 }])).toEqual([
      'policy.routes[0]: must select packets: give "when", "iif", "oif", "from" or "to" (got {"table":200,"priority":100})',
    ]);
    expect(errorsOf([{ table: 200, priority: 100, suppress_prefixlength: 0, not: true }])).toEqual([
      'policy.routes[0].not: needs a selector to invert (got true)',
    ]);
    expect(errorsOf([binding({ iif: 'lan/0' })])).toEqual([
      'policy.routes[0].iif: must be an interface name (1..15 characters, no "/", ":" or spaces) (got "lan/0")',
    ]);
    expect(errorsOf([binding({ from: '10.0.0.0/33' })])).toEqual([
      'policy.routes[0].from: prefix length must be 0..32 (got "10.0.0.0/33")',
    ]);
    expect(errorsOf([binding({ from: '10.0.0.0/8', to: '2001:db8::/32' })])).toEqual([
      'policy.routes[0].to: is IPv6 but "from" is IPv4 (got "2001:db8::/32")',
    ]);
    expect(errorsOf([binding({ from: '10.0.0.0/8', family: 6 })])).toEqual([
      'policy.routes[0].family: contradicts the IPv4 prefix in "from"/"to" (got 6)',
    ]);
    expect(errorsOf([binding({ not: 'yes' })])).toEqual([
      'policy.routes[0].not: must be true or false (got "yes")',
    ]);
    expect(errorsOf([binding({ suppress_prefixlength: 129 })])).toEqual([
      'policy.routes[0].suppress_prefixlength: must be a prefix length 0..128 (got 129)',
    ]);
    expect(errorsOf([binding({ suppress_prefixlength: 64, family: 4 })])).toEqual([
      'policy.routes[0].suppress_prefixlength: must be 0..32 for IPv4 (got 64)',
    ]);
    expect(errorsOf([binding({ when: { zone: 1 } })])).toEqual([
      'policy.routes[0].when.zone: "zone" is a connmark field; ip rules see only the fwmark (got 1)',
    ]);
  });
});

describe('tables a binding owns', () => {
  const owns = (o: unknown, extra: Json = {}) => binding({ owns: o, ...extra });

  it('reads declared routes and interface copies, and writes them back', () => {
    const routes = [
      owns({
        routes: [
          { to: 'default', via: '198.51.100.1', dev: 'wan2' },
          { to: '2001:db8::/32', dev: 'wg0', metric: 10 },
          { to: '203.0.113.0/24', type: 'unreachable' },
        ],
        copy: [{ dev: 'lan0' }, { dev: 'wan2', local: true }],
      }),
    ];
    const d = parseDocument(doc(routes));
    expect(d.policy.routes[0]!.owns).toEqual({
      routes: [
        { to: 'default', via: '198.51.100.1', dev: 'wan2' },
        { to: '2001:db8::/32', dev: 'wg0', metric: 10 },
        { to: '203.0.113.0/24', type: 'unreachable' },
      ],
      copy: [{ dev: 'lan0' }, { dev: 'wan2', local: true }],
    });
    expect((serializeDocument(d).policy as { routes: unknown[] }).routes).toEqual(routes);
  });

  it('refuses bad owned routes and copies, naming path and value', () => {
    expect(errorsOf([owns({})])).toEqual(['policy.routes[0].owns: must declare "routes" or "copy" (got {})']);
    expect(errorsOf([owns({ routes: [{ to: 'default' }] })])).toEqual([
      'policy.routes[0].owns.routes[0]: a unicast route needs "via" or "dev" (got {"to":"default"})',
    ]);
    expect(errorsOf([owns({ routes: [{ to: 'default', via: '10.0.0.1/24' }] })])).toEqual([
      'policy.routes[0].owns.routes[0].via: must be an address, not a prefix (got "10.0.0.1/24")',
    ]);
    expect(errorsOf([owns({ routes: [{ to: '10.0.0.0/8', via: 'fe80::1', dev: 'wan2' }] })])).toEqual([
      'policy.routes[0].owns.routes[0].via: is an IPv6 gateway for an IPv4 destination (got "fe80::1")',
    ]);
    expect(errorsOf([owns({ routes: [{ to: '2001:db8::/32', dev: 'wg0' }] }, { family: 4 })])).toEqual([
      'policy.routes[0].owns.routes[0].to: is IPv6; the binding is not (got "2001:db8::/32")',
    ]);
    expect(errorsOf([owns({ routes: [{ to: 'default', type: 'blackhole', dev: 'wan2' }] })])).toEqual([
      'policy.routes[0].owns.routes[0].type: a route of this type takes neither "via" nor "dev" (got "blackhole")',
    ]);
    expect(errorsOf([owns({ routes: [{ to: 'default', type: 'nat' }] })])).toEqual([
      'policy.routes[0].owns.routes[0].type: must be one of "unicast", "blackhole", "unreachable", "prohibit", "throw" (got "nat")',
    ]);
    expect(
      errorsOf([
        owns({
          routes: [
            { to: 'default', via: '198.51.100.1' },
            { to: 'default', dev: 'wan2' },
          ],
        }),
      ]),
    ).toEqual([
      'policy.routes[0].owns.routes[1].to: is already routed by policy.routes[0].owns.routes[0] (same destination and metric) (got "default")',
    ]);
    expect(errorsOf([owns({ copy: [{ dev: 'lan0' }, { dev: 'lan0', local: true }] })])).toEqual([
      'policy.routes[0].owns.copy[1].dev: is already copied by policy.routes[0].owns.copy[0] (got "lan0")',
    ]);
    expect(errorsOf([owns({ copy: [{ dev: 'lan0', connected: false }] })])).toEqual([
      'policy.routes[0].owns.copy[0]: copies nothing: set "connected" or "local" to true (got {"dev":"lan0","connected":false})',
    ]);
    expect(errorsOf([owns({ copy: ['lan0'] })])).toEqual([
      'policy.routes[0].owns.copy[0]: must be an object (got "lan0")',
    ]);
    expect(errorsOf([owns({ copy: [{ dev: 'lan0' }] }, { table: 254, suppress_prefixlength: 0 })])).toEqual([
      `policy.routes[0].table: table 254 is the kernel's "main" table (reserved; only a binding with suppress_prefixlength may look it up, and none may own it) (got 254)`,
    ]);
  });

  it('lets one binding own a table and others look it up, but not two owners', () => {
    const owned = owns({ copy: [{ dev: 'lan0' }] });
    expect(errorsOf([owned, { iif: 'lan0', table: 200, priority: 10003 }])).toEqual([]);
    expect(errorsOf([owned, { ...owned, priority: 10003 }])).toEqual([
      'policy.routes[1].owns: table 200 is already owned by policy.routes[0] (got 200)',
    ]);
  });
});
