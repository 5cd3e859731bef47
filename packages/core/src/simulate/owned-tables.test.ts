import { describe, expect, it } from 'vitest';
import { boxWithDocument } from '../compile/with-document';
import { parseDocument } from '../document/check';
import type { BoxConfig } from '../ir/types';
import { parseIpRoutesText } from '../lang/iproute/text';
import type { PacketSpec } from '../reports/types';
import { UPLINK_FILE_FIELD } from '../testing/dual-wan';
import { simulate } from './simulate';

// The dual-WAN router: HTTPS from the LAN leaves by wan2, its uplink saved in the ct mark and restored on replies.

const uplink = { ...UPLINK_FILE_FIELD, persist: true, newOnly: true };
const rules = [
  { name: 'https via isp2', match: { iif: 'lan0', proto: 'tcp', dport: 443 }, set: { uplink: 'isp2' } },
];
const dualWan = (routes: unknown[]) =>
  parseDocument({
    format: 'markwright/1',
    name: 'dual-wan',
    layout: { fields: [uplink] },
    policy: { rules, routes },
  });

const BOX: BoxConfig = {
  ruleset: { tables: [] },
  ipRules: [],
  tcFilters: [],
  routes: parseIpRoutesText(
    [
      'default via 192.0.2.1 dev wan1 proto static',
      '192.168.1.0/24 dev lan0 proto kernel scope link src 192.168.1.1',
      '192.0.2.0/24 dev wan1 proto kernel scope link src 192.0.2.2',
      '198.51.100.0/24 dev wan2 proto kernel scope link src 198.51.100.2',
      'local 192.168.1.1 dev lan0 table local proto kernel scope host src 192.168.1.1',
      'local 192.0.2.2 dev wan1 table local proto kernel scope host src 192.0.2.2',
      'local 198.51.100.2 dev wan2 table local proto kernel scope host src 198.51.100.2',
      // Left from an earlier deployment; the document's table replaces it.
      'default via 192.0.2.1 dev wan1 table 200 proto 77',
    ].join('\n'),
  ),
};
const BY_WAN2 = { to: 'default', via: '198.51.100.1', dev: 'wan2' };
const syn: PacketSpec = {
  iif: 'lan0',
  saddr: '192.168.1.20',
  daddr: '203.0.113.80',
  proto: 'tcp',
  sport: 40000,
  dport: 443,
};
const synAck: PacketSpec = {
  iif: 'wan2',
  saddr: '203.0.113.80',
  daddr: '192.168.1.20',
  proto: 'tcp',
  sport: 443,
  dport: 40000,
};

const oifs = (routes: unknown[]) =>
  simulate(boxWithDocument(BOX, dualWan(routes)), [syn, synAck]).packets.map((p) => [p.oif, p.table]);

describe('the simulator routes through the tables a document owns', () => {
  it('without the LAN in table 200 the restored mark sends the SYN-ACK back out wan2', () => {
    expect(
      oifs([{ when: { uplink: 'isp2' }, table: 200, priority: 10002, owns: { routes: [BY_WAN2] } }]),
    ).toEqual([
      ['wan2', '200'],
      ['wan2', '200'],
    ]);
  });

  it("with lan0's connected routes copied into table 200 the SYN-ACK goes to the LAN", () => {
    const owned = { routes: [BY_WAN2], copy: [{ dev: 'lan0' }] };
    expect(oifs([{ when: { uplink: 'isp2' }, table: 200, priority: 10002, owns: owned }])).toEqual([
      ['wan2', '200'],
      ['lan0', '200'],
    ]);
  });

  it('with an iif binding only packets from the LAN use table 200; replies take table main', () => {
    const routes = [
      { when: { uplink: 'isp2' }, iif: 'lan0', table: 200, priority: 10002, owns: { routes: [BY_WAN2] } },
    ];
    expect(oifs(routes)).toEqual([
      ['wan2', '200'],
      ['lan0', 'main'],
    ]);
  });

  it('a not-binding and suppress_prefixlength select as the kernel does', () => {
    // Everything not from the LAN skips table 200; the LAN uses it for all but its default route.
    const routes = [
      { not: true, from: '192.168.1.0/24', table: 200, priority: 10001, owns: { routes: [BY_WAN2] } },
      { from: '192.168.1.0/24', table: 200, priority: 10002, suppress_prefixlength: 0 },
    ];
    const out = simulate(boxWithDocument(BOX, dualWan(routes)), [syn, synAck]).packets;
    expect(out.map((p) => p.oif)).toEqual(['wan1', 'wan2']);
  });
});
