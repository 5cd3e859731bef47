import { describe, expect, it } from 'vitest';
import { parseConntrackLine, parseConntrackListing } from './conntrack-list';
import { parseMonitorLine } from './monitor-lines';
import { canonicalMatch, traceOwner, traceScript } from './trace-table';

describe('nft monitor trace lines', () => {
  it('reads packet, rule and policy events', () => {
    const packet = parseMonitorLine(
      'trace id 4e8bf079 ip mangle OUTPUT packet: oif "lo" ip saddr 127.0.0.1 ip daddr 127.0.0.2 ip protocol udp ip length 29 udp sport 48893 udp dport 5555 udp length 9 ',
    );
    expect(packet).toMatchObject({
      kind: 'packet',
      id: '4e8bf079',
      family: 'ip',
      table: 'mangle',
      chain: 'OUTPUT',
      packet: {
        family: 4,
        oif: 'lo',
        iif: null,
        saddr: '127.0.0.1',
        daddr: '127.0.0.2',
        proto: 'udp',
        sport: 48893,
        dport: 5555,
      },
    });
    expect(
      parseMonitorLine(
        'trace id 4e8bf079 inet markwright o rule udp dport 5555 ct mark set ct mark | 0x00000020 comment "voip via isp2" # handle 2 (verdict continue)',
      ),
    ).toMatchObject({
      kind: 'rule',
      text: 'udp dport 5555 ct mark set ct mark | 0x00000020 comment "voip via isp2"',
      handle: 2,
      verdict: 'continue',
    });
    expect(
      parseMonitorLine(
        'trace id 1 ip filter FORWARD rule ip saddr 10.0.0.0/8 jump sub # handle 7 (verdict jump sub)',
      ),
    ).toMatchObject({ kind: 'rule', handle: 7, verdict: 'jump sub' });
    expect(
      parseMonitorLine('trace id 4e8bf079 ip foreign o policy accept meta mark 0x00000114 '),
    ).toMatchObject({
      kind: 'policy',
      verdict: 'accept',
      mark: 0x114,
    });
    expect(parseMonitorLine('trace id 4e8bf079 ip foreign o policy drop')).toMatchObject({
      kind: 'policy',
      mark: null,
    });
    expect(parseMonitorLine('# Warning: table ip mangle is managed by iptables-nft')).toBeNull();
  });
});

describe('conntrack listing', () => {
  it('reads both directions, the mark, the zone and whether a reply was seen', () => {
    const c = parseConntrackLine(
      'ipv4     2 udp      17 29 src=10.70.0.2 dst=203.0.113.7 sport=43001 dport=5061 [UNREPLIED] src=203.0.113.7 dst=10.70.0.2 sport=5061 dport=43001 mark=33554432 zone=3 use=1',
    );
    expect(c).toEqual({
      family: 4,
      proto: 'udp',
      protoNumber: 17,
      saddr: '10.70.0.2',
      daddr: '203.0.113.7',
      sport: 43001,
      dport: 5061,
      replySaddr: '203.0.113.7',
      mark: 0x2000000,
      zone: 3,
      replied: false,
    });
  });

  it('skips lines that do not read as connections, never guessing a value', () => {
    const l = parseConntrackListing(
      [
        'conntrack v1.4.7 (conntrack-tools): 2 flow entries have been shown.',
        'ipv4 2 tcp 6 431999 ESTABLISHED src=10.0.0.1 dst=10.0.0.2 sport=1 dport=2 src=10.0.0.2 dst=10.0.0.1 sport=2 dport=1 [ASSURED] mark=1 use=1',
        'ipv4 2 tcp 6 1 src=10.0.0.1 dst=10.0.0.2 mark=99999999999 use=1',
        'ipv4 2 udp 17 1 src=$(reboot) dst=10.0.0.2 use=1',
        'garbage',
      ].join('\n'),
    );
    expect(l.connections).toHaveLength(1);
    expect(l.connections[0]).toMatchObject({ proto: 'tcp', mark: 1, zone: 0, replied: true });
    expect(l.skipped).toBe(3);
  });
});

describe('trace rule', () => {
  it('loads our own rendering of the match, never the words given', () => {
    expect(canonicalMatch('udp   dport 5555')).toBe('udp dport 5555');
    expect(() => canonicalMatch('udp dport 5555 accept')).toThrow(/--match.*only test/);
    expect(() => canonicalMatch('udp dport 5555; flush ruleset')).toThrow(/--match/);
    expect(() => canonicalMatch('')).toThrow(/--match/);
  });

  it('hooks prerouting and output first, and carries its owner and expiry', () => {
    const script = traceScript({
      table: 'markwright_trace_42',
      match: 'udp dport 5555',
      pid: 42,
      until: 1900000000,
    });
    expect(script).toContain('type filter hook prerouting priority -2147483648; policy accept;');
    expect(script).toContain('type filter hook output priority -2147483648; policy accept;');
    expect(traceOwner(script)).toEqual({ pid: 42, until: 1900000000 });
  });
});
