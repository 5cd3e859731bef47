import { describe, expect, it } from 'vitest';
import { parseCidr } from './address';

describe('parseCidr', () => {
  it('reads IPv4 and clears host bits as nft and iptables do', () => {
    expect(parseCidr('10.0.0.1/8', 'x')).toEqual({ family: 4, address: '10.0.0.0', prefix: 8 });
    expect(parseCidr('192.0.2.7', 'x')).toEqual({ family: 4, address: '192.0.2.7', prefix: 32 });
    expect(parseCidr('192.0.2.255/25', 'x').address).toBe('192.0.2.128');
    expect(parseCidr('0.0.0.0/0', 'x').prefix).toBe(0);
  });

  it('reads IPv6 and prints it as inet_ntop does', () => {
    expect(parseCidr('2001:DB8::1/32', 'x')).toEqual({ family: 6, address: '2001:db8::', prefix: 32 });
    expect(parseCidr('2001:db8:0:0:1:0:0:1', 'x').address).toBe('2001:db8::1:0:0:1');
    expect(parseCidr('::1', 'x').address).toBe('::1');
    expect(parseCidr('::', 'x').address).toBe('::');
    expect(parseCidr('::ffff:192.0.2.1', 'x').address).toBe('::ffff:192.0.2.1');
    expect(parseCidr('fe80::1:2/65', 'x').address).toBe('fe80::');
    expect(parseCidr('1:0:1:0:0:0:1:1', 'x').address).toBe('1:0:1::1:1');
    expect(parseCidr('1:2:3:4:5:6:7:8/127', 'x').address).toBe('1:2:3:4:5:6:7:8');
  });

  it('refuses bad input naming the field and the value', () => {
    expect(() => parseCidr('10.0.0.256', 'policy.rules[0].match.saddr')).toThrow(
      'policy.rules[0].match.saddr: is not an IPv4 or IPv6 address (got "10.0.0.256")',
    );
    expect(() => parseCidr('10.0.0.0/33', 'm')).toThrow(/prefix length must be 0..32/);
    expect(() => parseCidr('2001:db8::/129', 'm')).toThrow(/0..128/);
    expect(() => parseCidr('1::2::3', 'm')).toThrow(/not an IPv4 or IPv6/);
    expect(() => parseCidr('010.0.0.1', 'm')).toThrow(/not an IPv4/);
    expect(() => parseCidr('10.0.0.0/8/1', 'm')).toThrow(/ADDRESS\/PREFIX/);
    expect(() => parseCidr(42, 'm')).toThrow(/address or prefix text/);
    expect(() => parseCidr('1:2:3:4:5:6:7:8:9', 'm')).toThrow(/not an IPv4 or IPv6/);
  });
});
