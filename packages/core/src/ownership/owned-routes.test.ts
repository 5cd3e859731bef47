import { describe, expect, it } from 'vitest';
import { compileOwned } from '../compile/owned';
import { copiedTableRoutes } from '../compile/tables';
import { parseDocument } from '../document/check';
import { parseIpRoutesJson } from '../lang/iproute/routes';
import { parseIpRoutesText } from '../lang/iproute/text';
import { formatOwnedRoute, ownedRouteProblem } from './owned-routes';

const doc = parseDocument({
  format: 'markwright/1',
  name: 'dual-wan',
  layout: { fields: [{ name: 'uplink', kind: 'enum', offset: 24, values: { isp1: 1, isp2: 2 } }] },
  policy: {
    routes: [
      {
        when: { uplink: 'isp2' },
        table: 200,
        priority: 10002,
        owns: {
          routes: [
            { to: 'default', via: '198.51.100.1', dev: 'wan2' },
            { to: '2001:db8:99::/48', via: 'fe80::1', dev: 'wan2' },
            { to: '203.0.113.0/24', type: 'unreachable' },
          ],
          copy: [{ dev: 'lan0', local: true }],
        },
      },
    ],
  },
});

describe('owned route lines', () => {
  it('compiles the declared routes into lines deploy loads, with the tables the document owns', () => {
    expect(compileOwned(doc).loads.routes).toEqual({
      tables: [200],
      v4: [
        'default via 198.51.100.1 dev wan2 table 200 proto 77 metric 0',
        'unreachable 203.0.113.0/24 table 200 proto 77 metric 0',
      ],
      v6: ['2001:db8:99::/48 via fe80::1 dev wan2 table 200 proto 77 metric 1024'],
    });
  });

  it('reads the same lines back from what ip -j route show prints for them', () => {
    // As iproute2 6.1 prints these routes once added (IPv6 lists an unreachable route on lo).
    const listed = parseIpRoutesJson(
      JSON.stringify([
        { dst: 'default', gateway: '198.51.100.1', dev: 'wan2', table: '200', protocol: '77', flags: [] },
        { type: 'unreachable', dst: '203.0.113.0/24', table: '200', protocol: '77', flags: [] },
        {
          dst: '192.168.1.0/24',
          dev: 'lan0',
          table: '200',
          protocol: '77',
          scope: 'link',
          prefsrc: '192.168.1.1',
          flags: [],
        },
      ]),
      4,
    );
    expect(listed.map(formatOwnedRoute)).toEqual([
      'default via 198.51.100.1 dev wan2 table 200 proto 77 metric 0',
      'unreachable 203.0.113.0/24 table 200 proto 77 metric 0',
      '192.168.1.0/24 dev lan0 table 200 proto 77 metric 0 src 192.168.1.1',
    ]);
    const v6 = parseIpRoutesJson(
      JSON.stringify([
        {
          type: 'unreachable',
          dst: '2001:db8::/32',
          dev: 'lo',
          table: '200',
          protocol: '77',
          metric: 1024,
          flags: [],
          pref: 'medium',
        },
      ]),
      6,
    );
    expect(v6.map(formatOwnedRoute)).toEqual(['unreachable 2001:db8::/32 table 200 proto 77 metric 1024']);
  });

  it('copies become lines too', () => {
    const box = parseIpRoutesText(
      [
        '192.168.1.0/24 dev lan0 proto kernel scope link src 192.168.1.1',
        'local 192.168.1.1 dev lan0 table local proto kernel scope host src 192.168.1.1',
      ].join('\n'),
    );
    expect(copiedTableRoutes(doc, box).map(formatOwnedRoute)).toEqual([
      '192.168.1.0/24 dev lan0 table 200 proto 77 metric 0 src 192.168.1.1',
      'local 192.168.1.1/32 dev lan0 table 200 proto 77 metric 0 src 192.168.1.1',
    ]);
  });

  it('accepts only plain lines with our protocol in a table the document owns', () => {
    const ok = 'default via 198.51.100.1 dev wan2 table 200 proto 77 metric 0';
    expect(ownedRouteProblem(ok, [200], 77)).toBeNull();
    expect(
      ownedRouteProblem(
        'local 192.168.1.1/32 dev lan0 table 200 proto 77 metric 0 src 192.168.1.1',
        [200],
        77,
      ),
    ).toBeNull();
    expect(ownedRouteProblem(ok, [100], 77)).toBe('table 200 is not a table the document owns (100)');
    expect(ownedRouteProblem(ok.replace('200', '254'), [254], 77)).toBe(
      'table 254 is not a table the document owns (254)',
    );
    expect(ownedRouteProblem(ok.replace('proto 77', 'proto 4'), [200], 77)).toBe(
      "must carry Markwright's protocol (proto 77)",
    );
    expect(ownedRouteProblem(`${ok} onlink`, [200], 77)).toBe('has unexpected words (onlink)');
    expect(ownedRouteProblem('default dev wan2"#x table 200 proto 77 metric 0', [200], 77)).toBe(
      'dev must be followed by an interface name',
    );
    expect(ownedRouteProblem('blackhole default dev wan2 table 200 proto 77 metric 0', [200], 77)).toBe(
      'dev must be followed by an interface name',
    );
    expect(ownedRouteProblem(42, [200], 77)).toBe('must be a route line');
  });
});
