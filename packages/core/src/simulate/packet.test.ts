import { describe, expect, it } from 'vitest';
import { toSimPacket } from './packet';

describe('packet input', () => {
  it('accepts the documented packet form, iif null meaning locally generated', () => {
    const p = toSimPacket({
      iif: null,
      saddr: '10.70.0.2',
      daddr: '198.51.100.7',
      proto: 'udp',
      sport: 40000,
      dport: 53,
      mark: 0,
    });
    expect(p).toMatchObject({ iif: null, proto: 17, family: 4, sport: 40000, dport: 53 });
    expect(toSimPacket({ saddr: '2001:db8::1', daddr: '::ffff:1.2.3.4', proto: 58 }).family).toBe(6);
  });

  it.each([
    [{ saddr: '10.0.0.1', daddr: '10.0.0.2', proto: 'udp', mark: -1 }, /packet\.mark.*-1/],
    [{ saddr: '10.0.0.1', daddr: '10.0.0.2', proto: 'udp', mark: 2 ** 32 }, /packet\.mark/],
    [{ saddr: '10.0.0.300', daddr: '10.0.0.2', proto: 'udp' }, /packet\.saddr.*10\.0\.0\.300/],
    [{ saddr: '10.0.0.1', daddr: '2001:db8::1', proto: 'udp' }, /packet\.daddr/],
    [{ saddr: '10.0.0.1', daddr: '10.0.0.2', proto: 'gre' }, /packet\.proto.*gre/],
    [{ saddr: '10.0.0.1', daddr: '10.0.0.2', proto: 'udp', dport: 70000 }, /packet\.dport.*70000/],
    [{ saddr: '10.0.0.1', daddr: '10.0.0.2', proto: 'udp', colour: 'red' }, /packet\.colour.*red/],
    [{ saddr: '10.0.0.1', daddr: '10.0.0.2', proto: 'udp', iif: 'a b' }, /packet\.iif/],
    ['text', /packet: must be a JSON object/],
  ])('refuses %j naming the key and value', (input, message) => {
    expect(() => toSimPacket(input)).toThrow(message);
  });
});
