import { describe, expect, it } from 'vitest';
import type { BoxConfig } from '../ir/types';
import type { PacketSpec } from '../reports/types';
import {
  accept,
  baseChain,
  box,
  ipRule,
  localRoute,
  restoreMark,
  route,
  rule,
  saveMark,
  setXmark,
  table,
} from '../testing/ir-builders';
import { simulate } from './simulate';
import { formatTrace } from './trace-text';

// A dual-WAN router where new connections from lan0 are marked 1 and the mark lives in the ct mark: the mark
// picks table 200 (default via wan2). Without lan0's connected route in table 200 the reply goes out wan2.

const routes = (complete: boolean) => [
  route('main', '0.0.0.0/0', 'wan1', { gateway: '192.0.2.1' }),
  route('main', '10.0.0.0/24', 'lan0'),
  route('main', '192.0.2.0/24', 'wan1'),
  route('main', '198.51.100.0/24', 'wan2'),
  route('200', '0.0.0.0/0', 'wan2', { gateway: '198.51.100.1' }),
  ...(complete ? [route('200', '10.0.0.0/24', 'lan0')] : []),
  localRoute('10.0.0.1', 'lan0'),
];

const router = (complete: boolean): BoxConfig =>
  box(
    [
      table(
        'mangle',
        [
          baseChain('PREROUTING', 'prerouting', -150, [
            rule(restoreMark(0xff, 0xff)),
            rule({ kind: 'iface', dir: 'in', names: ['lan0'], invert: false }, setXmark('meta', 1, 0xff)),
            rule(saveMark(0xff, 0xff), accept),
          ]),
        ],
        { origin: 'iptables' },
      ),
    ],
    {
      ipRules: [
        ipRule(0, 'local'),
        ipRule(10002, '200', { fwmark: { value: 1, mask: 0xff } }),
        ipRule(32766, 'main'),
      ],
      routes: routes(complete),
    },
  );

const first: PacketSpec = {
  iif: 'lan0',
  saddr: '10.0.0.100',
  daddr: '198.18.0.10',
  proto: 'tcp',
  sport: 40000,
  dport: 443,
};
const reply: PacketSpec = {
  iif: 'wan2',
  saddr: '198.18.0.10',
  daddr: '10.0.0.100',
  proto: 'tcp',
  sport: 443,
  dport: 40000,
};

describe('packets that go the wrong way for their connection', () => {
  it('flags the reply that leaves by wan2 instead of lan0, in the result and the text trace', () => {
    const report = simulate(router(false), [first, reply, first]);
    const [a, b, c] = report.packets;
    expect(a).toMatchObject({ verdict: 'accept', oif: 'wan2' });
    expect(a!.flags).toBeUndefined();
    expect(b).toMatchObject({ verdict: 'accept', oif: 'wan2', table: '200' });
    expect(b!.flags).toEqual([
      { code: 'reply-path', message: 'the reply leaves by wan2, but the connection arrived on lan0' },
    ]);
    expect(c!.flags).toBeUndefined();
    const text = formatTrace(report, [first, reply, first]);
    expect(text).toMatch(/=> ACCEPT \(WRONG WAY\), forward, oif wan2, table 200/);
    expect(text).toMatch(/!! reply-path: the reply leaves by wan2, but the connection arrived on lan0/);
    expect(text.match(/WRONG WAY/g)).toHaveLength(1);
  });

  it('does not flag the reply when the table routes the LAN back to lan0', () => {
    const [, b] = simulate(router(true), [first, reply]).packets;
    expect(b).toMatchObject({ verdict: 'accept', oif: 'lan0' });
    expect(b!.flags).toBeUndefined();
  });

  it('flags a reply from the LAN that the mark sends out another uplink than the connection came in by', () => {
    // A first packet from wan1's side is not marked; its reply arrives on lan0 and is marked, so it takes wan2.
    const out: PacketSpec = {
      iif: 'wan1',
      saddr: '198.18.0.10',
      daddr: '10.0.0.100',
      proto: 'udp',
      sport: 53,
      dport: 5353,
    };
    const back: PacketSpec = {
      iif: 'lan0',
      saddr: '10.0.0.100',
      daddr: '198.18.0.10',
      proto: 'udp',
      sport: 5353,
      dport: 53,
    };
    const [, b] = simulate(router(true), [out, back]).packets;
    expect(b!.flags?.[0]?.message).toBe('the reply leaves by wan2, but the connection arrived on wan1');
  });

  it('the untraced fast path flags the same packets', () => {
    const report = simulate(router(false), [first, reply], { trace: false });
    expect(report.packets[1]!.flags).toHaveLength(1);
  });
});
