import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatIpv4,
  formatIpv6,
  isNetnsName,
  parseIpv4,
  parseIpv6,
  protocolName,
  protocolNumber,
  SERVICES,
} from './index';

const v6 = (text: string): string => formatIpv6(parseIpv6(text)!);

describe('net', () => {
  it('prints IPv6 as glibc inet_ntop does (RFC 5952, dotted tails for mapped and compatible addresses)', () => {
    // Expected texts are Python's socket.inet_ntop on Debian 12 (glibc), which nft and iproute2 use.
    const cases: [string, string][] = [
      ['::2', '::2'],
      ['0:0:0:0:0:0:0:1', '::1'],
      ['::FFFF:1.2.3.4', '::ffff:1.2.3.4'],
      ['::1.2.3.4', '::1.2.3.4'],
      ['1:0:0:1:0:0:0:1', '1:0:0:1::1'],
      ['2001:DB8:0:0:1:0:0:0', '2001:db8:0:0:1::'],
      ['::ffff:0:0', '::ffff:0.0.0.0'],
      ['0:0:0:0:0:1:0:0', '::1:0:0'],
      ['1::', '1::'],
      ['::', '::'],
      ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
      ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'],
    ];
    for (const [input, printed] of cases) expect(v6(input), input).toBe(printed);
  });

  it('refuses what inet_pton refuses', () => {
    for (const bad of ['1:2:3:4:5:6:7:8:9', '1::2::3', '12345::', ':::', '1.2.3.4', '::1.2.3.04', 'g::1'])
      expect(parseIpv6(bad), bad).toBeNull();
    expect(parseIpv4('10.0.0.256')).toBeNull();
    expect(parseIpv4('010.0.0.1', { strict: true })).toBeNull();
    expect(formatIpv4(parseIpv4('192.168.1.20')!)).toBe('192.168.1.20');
  });

  it('reads a dotted quad exactly as the pattern of four 1-3 digit groups up to 255 does', () => {
    const byPattern = (text: string, strict: boolean): number | null => {
      const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
      if (!m) return null;
      const groups = m.slice(1);
      if (groups.some((g) => Number(g) > 255 || (strict && g.length > 1 && g.startsWith('0')))) return null;
      return groups.reduce((n, g) => n * 256 + Number(g), 0);
    };
    const piece = fc.oneof(
      fc.nat(300).map(String),
      fc.constantFrom('0', '00', '01', '000', '255', '256', '1000', '', '.', 'a', ' ', '\n', '-1', '+1', '٣'),
    );
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 9 }),
        fc.constantFrom('.', '', '..'),
        fc.boolean(),
        (ps, sep, strict) => {
          const text = ps.join(sep || '.');
          expect(parseIpv4(text, { strict })).toBe(byPattern(text, strict));
        },
      ),
      { numRuns: 5000 },
    );
    expect(parseIpv4('255.255.255.255')).toBe(0xffffffff);
  });

  it('names protocols as iptables-save prints them and reads every spelling the tools take', () => {
    expect(protocolName(58)).toBe('ipv6-icmp');
    expect(protocolName(135)).toBe('mh');
    expect(protocolName(253)).toBe('253');
    expect(protocolNumber('ICMPv6')).toBe(58);
    expect(protocolNumber('ipv6-mh')).toBe(135);
  });

  it('has one service table with the names every /etc/services has', () => {
    expect([SERVICES.tftp, SERVICES.pop3, SERVICES.www, SERVICES.ssh]).toEqual([69, 110, 80, 22]);
  });

  it('takes namespace names ip netns can make, nothing that could be a path or an option', () => {
    expect(isNetnsName('mw-test_1.a')).toBe(true);
    for (const bad of ['', '.', '..', 'a/b', '-x'.repeat(40), 'a b'])
      expect(isNetnsName(bad), bad).toBe(false);
  });
});
