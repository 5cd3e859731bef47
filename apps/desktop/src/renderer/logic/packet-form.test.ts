import type { PacketResult } from '@markwright/core';
import { describe, expect, it } from 'vitest';
import { hookPath } from './hook-path';
import { emptyForm, PRESETS, packetsFromForm } from './packet-form';

describe('packet form', () => {
  it('turns a preset into packets, repeating the packet for a flow', () => {
    const flow = PRESETS.find((p) => p.id === 'flow-udp')!;
    const r = packetsFromForm(flow.form);
    expect(r).toEqual({
      ok: true,
      packets: [
        { iif: 'r0', saddr: '10.70.0.2', daddr: '203.0.113.7', proto: 'udp', sport: 40000, dport: 5555 },
        { iif: 'r0', saddr: '10.70.0.2', daddr: '203.0.113.7', proto: 'udp', sport: 40000, dport: 5555 },
      ],
    });
  });
  it('treats an empty iif as locally generated and reads a socket mark', () => {
    const r = packetsFromForm({ ...emptyForm(), iif: '', mark: '0x100' });
    expect(r.ok && r.packets[0]).toMatchObject({ iif: null, mark: 0x100 });
  });
  it('names each bad input', () => {
    expect(
      packetsFromForm({
        ...emptyForm(),
        saddr: '10.0.0.300',
        daddr: 'far',
        proto: 'gre',
        dport: '70000',
        mark: '0xg',
        count: '0',
        iif: 'bad name!',
      }),
    ).toEqual({
      ok: false,
      errors: {
        saddr: 'is not an IPv4 or IPv6 address (got "10.0.0.300")',
        daddr: 'is not an IPv4 or IPv6 address (got "far")',
        iif: 'must be an interface name (1-15 characters, no spaces or /) or null (got "bad name!")',
        proto: 'must be tcp, udp, icmp, icmpv6, sctp or a number 0..255 (got "gre")',
        dport: 'must be an integer port 0..65535 (got 70000)',
        mark: 'mark: is not a number (expected decimal or 0x-hex) (got "0xg")',
        count: 'a flow has 1 to 16 packets (got 0)',
      },
    });
  });
});

describe('protocols', () => {
  it('sends the protocols the API names by name and sctp as the number core resolves', () => {
    const tcp = packetsFromForm({ ...emptyForm(), proto: 'tcp' });
    expect(tcp.ok && tcp.packets[0]?.proto).toBe('tcp');
    const sctp = packetsFromForm({ ...emptyForm(), proto: 'sctp', dport: '70000' });
    expect(sctp).toEqual({ ok: false, errors: { dport: 'must be an integer port 0..65535 (got 70000)' } });
    const ok = packetsFromForm({ ...emptyForm(), proto: 'sctp' });
    expect(ok.ok && ok.packets[0]?.proto).toBe(132);
  });
  it('refuses a reply interface core would refuse', () => {
    expect(packetsFromForm({ ...emptyForm(), replyIif: 'a/b' })).toEqual({
      ok: false,
      errors: { replyIif: 'must be an interface name (1-15 characters, no spaces or /) or null (got "a/b")' },
    });
  });
});

describe('flows with replies', () => {
  it('alternates original and reply packets, the reply swapped and arriving on the reply interface', () => {
    const flow = PRESETS.find((p) => p.id === 'flow-reply')!;
    const r = packetsFromForm(flow.form);
    expect(r.ok && r.packets).toEqual([
      { iif: 'r0', saddr: '10.70.0.2', daddr: '203.0.113.7', proto: 'udp', sport: 40000, dport: 5555 },
      { iif: 'r2', saddr: '203.0.113.7', daddr: '10.70.0.2', proto: 'udp', sport: 5555, dport: 40000 },
      { iif: 'r0', saddr: '10.70.0.2', daddr: '203.0.113.7', proto: 'udp', sport: 40000, dport: 5555 },
    ]);
  });
});

describe('hook path', () => {
  it('marks the stages a forwarded packet passed and where rules matched', () => {
    const packet: PacketResult = {
      verdict: 'accept',
      mark: 0,
      ctmark: 0,
      oif: 'r2',
      table: '100',
      destination: 'forward',
      steps: [
        {
          kind: 'rule',
          hook: 'prerouting',
          family: 'inet',
          table: 'markwright',
          chain: 'prerouting',
          priority: -150,
          rule: 'udp dport 5555 meta mark set 0x2',
          matched: true,
          markBefore: 0,
          markAfter: 2,
          ctmarkBefore: 0,
          ctmarkAfter: 0,
        },
        {
          kind: 'route',
          reason: 'input',
          mark: 2,
          rule: { priority: 10002, text: 'fwmark 0x2/0x3 lookup 100' },
          table: '100',
          route: 'default via 198.51.100.2',
          oif: 'r2',
          result: 'forward',
        },
        {
          kind: 'rule',
          hook: 'postrouting',
          family: 'inet',
          table: 'markwright',
          chain: 'postrouting',
          priority: -150,
          rule: 'meta mark 0x1',
          matched: false,
          markBefore: 2,
          markAfter: 2,
          ctmarkBefore: 0,
          ctmarkAfter: 0,
        },
      ],
    };
    const visited = hookPath(packet)
      .filter((s) => s.visited)
      .map((s) => `${s.stage}${s.hit ? '*' : ''}`);
    expect(visited).toEqual(['prerouting*', 'routing*', 'forward', 'postrouting']);
  });
});
