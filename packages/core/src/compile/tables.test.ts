import { describe, expect, it } from 'vitest';
import { parseDocument } from '../document/check';
import { parseIpRoutesText } from '../lang/iproute/text';
import { ownedLoads } from '../ownership/owned-loads';
import { DEFAULT_OWNERSHIP } from '../ownership/ownership';
import { UPLINK_FILE_FIELD } from '../testing/dual-wan';
import { compileDocument } from './compile-document';
import { copiedTableRoutes, routesWithOwnedTables } from './tables';

const uplink = UPLINK_FILE_FIELD;
const docWith = (routes: unknown[]) =>
  parseDocument({
    format: 'markwright/1',
    name: 'dual-wan',
    layout: { fields: [uplink] },
    policy: { routes },
  });

const DUAL_WAN = docWith([
  {
    when: { uplink: 'isp2' },
    table: 200,
    priority: 10002,
    owns: {
      routes: [
        { to: 'default', via: '198.51.100.1', dev: 'wan2' },
        { to: 'default', via: 'fe80::1', dev: 'wan2' },
        { to: '203.0.113.7', type: 'blackhole' },
      ],
      copy: [{ dev: 'lan0', local: true }],
    },
  },
  { iif: 'lan0', not: true, from: '192.168.1.0/24', table: 200, priority: 10003, suppress_prefixlength: 0 },
  { oif: 'wg0', to: '2001:db8::/32', table: 300, priority: 10004 },
]);

// What `ip route show table all` prints on a router with lan0 192.168.1.1/24 and 2001:db8:1::1/64.
const BOX = parseIpRoutesText(
  [
    'default via 198.51.100.1 dev wan2 proto static',
    '192.168.1.0/24 dev lan0 proto kernel scope link src 192.168.1.1',
    '192.168.1.128/25 via 192.168.1.2 dev lan0 proto static',
    '198.51.100.0/24 dev wan2 proto kernel scope link src 198.51.100.2',
    'local 192.168.1.1 dev lan0 table local proto kernel scope host src 192.168.1.1',
    'broadcast 192.168.1.255 dev lan0 table local proto kernel scope link src 192.168.1.1',
    'local 198.51.100.2 dev wan2 table local proto kernel scope host src 198.51.100.2',
    '2001:db8:1::/64 dev lan0 proto kernel metric 256 pref medium',
    'local 2001:db8:1::1 dev lan0 table local proto kernel metric 0 pref medium',
    'multicast ff00::/8 dev lan0 table local proto kernel metric 256 pref medium',
    '10.9.0.0/16 dev wan2 table 200 proto 77 scope link',
    '10.8.0.0/16 dev wan2 table 200 proto static scope link',
  ].join('\n'),
);

describe('ip rules from route bindings', () => {
  it('emits iif, oif, from, to, not and suppress_prefixlength per family, tagged with our protocol', () => {
    const { ipRules } = ownedLoads(compileDocument(DUAL_WAN), DEFAULT_OWNERSHIP);
    expect(ipRules.v4).toEqual([
      'priority 10002 from all fwmark 0x2000000/0x3000000 lookup 200 proto 77',
      'priority 10003 not from 192.168.1.0/24 iif lan0 lookup 200 suppress_prefixlength 0 proto 77',
    ]);
    expect(ipRules.v6).toEqual([
      'priority 10002 from all fwmark 0x2000000/0x3000000 lookup 200 proto 77',
      'priority 10004 from all to 2001:db8::/32 oif wg0 lookup 300 proto 77',
    ]);
  });
});

describe('owned tables', () => {
  it('compiles the declared routes per family with our protocol and the kernel default metrics', () => {
    const routes = compileDocument(DUAL_WAN).routes;
    expect(
      routes.map((r) => [r.family, r.table, r.type, `${r.dst.address}/${r.dst.prefix}`, r.gateway, r.metric]),
    ).toEqual([
      [4, '200', 'unicast', '0.0.0.0/0', '198.51.100.1', 0],
      [6, '200', 'unicast', '::/0', 'fe80::1', 1024],
      [4, '200', 'blackhole', '203.0.113.7/32', undefined, 0],
    ]);
    expect(new Set(routes.map((r) => r.protocol))).toEqual(new Set(['77']));
    expect(compileDocument(DUAL_WAN, { families: 6 }).routes).toHaveLength(1);
  });

  it("copies an interface's connected routes from main and, when asked, its local ones, never gateway routes", () => {
    const copied = copiedTableRoutes(DUAL_WAN, BOX);
    expect(
      copied.map(
        (r) =>
          `${r.type} ${r.dst.address}/${r.dst.prefix} ${r.dev} ${r.table} ${r.prefsrc ?? '-'} ${r.metric}`,
      ),
    ).toEqual([
      'unicast 192.168.1.0/24 lan0 200 192.168.1.1 0',
      'local 192.168.1.1/32 lan0 200 192.168.1.1 0',
      'broadcast 192.168.1.255/32 lan0 200 192.168.1.1 0',
      'unicast 2001:db8:1::/64 lan0 200 - 256',
      'local 2001:db8:1::1/128 lan0 200 - 0',
    ]);
    const connectedOnly = docWith([
      { when: { uplink: 'isp2' }, table: 200, priority: 10002, family: 4, owns: { copy: [{ dev: 'lan0' }] } },
    ]);
    expect(copiedTableRoutes(connectedOnly, BOX).map((r) => r.dst.address)).toEqual(['192.168.1.0']);
  });

  it("puts the document's tables into the box: our old routes there replaced, other owners' routes kept", () => {
    const table200 = routesWithOwnedTables(DUAL_WAN, BOX)
      .filter((r) => r.table === '200')
      .map((r) => `${r.dst.address}/${r.dst.prefix} ${r.protocol}`);
    expect(table200).toContain('10.8.0.0/16 static');
    expect(table200).not.toContain('10.9.0.0/16 77');
    expect(table200).toContain('192.168.1.0/24 77');
    expect(table200).toContain('0.0.0.0/0 77');
  });
});
