import { canonicalMatch } from '@markwright/host';
import { describe, expect, it } from 'vitest';
import { traceMatch } from './trace-match';

describe('trace match from a packet', () => {
  it('tests the addresses, protocol, ports and input interface, in a form the trace accepts', () => {
    const m = traceMatch({ iif: 'r0', saddr: '10.70.0.2', daddr: '203.0.113.7', proto: 'udp', dport: 5060 });
    expect(m).toBe('iifname "r0" ip saddr 10.70.0.2 ip daddr 203.0.113.7 udp dport 5060');
    expect(canonicalMatch(m)).toContain('udp dport 5060');
    expect(traceMatch({ saddr: '2001:db8::1', daddr: '2001:db8::2', proto: 'icmpv6' })).toBe(
      'ip6 saddr 2001:db8::1 ip6 daddr 2001:db8::2 meta l4proto icmpv6',
    );
    expect(() =>
      canonicalMatch(traceMatch({ saddr: '10.0.0.1', daddr: '10.0.0.2', proto: 17 })),
    ).not.toThrow();
  });
});
