import { describe, expect, it } from 'vitest';
import { parseNftRuleBody } from './rule';

const only = (body: string) => {
  const exprs = parseNftRuleBody(body).exprs;
  expect(exprs).toHaveLength(1);
  return exprs[0];
};

describe('parseNftRuleBody: marks to the IR', () => {
  it('folds mark arithmetic to one MarkWrite', () => {
    expect(only('meta mark set meta mark and 0xffff00ff or 0x100')).toEqual({
      kind: 'markWrite',
      write: { dst: 'meta', keep: 0xffff00ff, src: null, xor: 0x100 },
    });
    expect(only('meta mark set ct mark & 0xff')).toEqual({
      kind: 'markWrite',
      write: { dst: 'meta', keep: 0, src: { space: 'ct', take: 0xff, shift: 0 }, xor: 0 },
    });
    expect(only('ct mark set meta mark << 8')).toEqual({
      kind: 'markWrite',
      write: { dst: 'ct', keep: 0, src: { space: 'meta', take: 0x00ffffff, shift: 8 }, xor: 0 },
    });
    expect(only('meta mark set ct mark >> 8 & 0xf')).toEqual({
      kind: 'markWrite',
      write: { dst: 'meta', keep: 0, src: { space: 'ct', take: 0xf00, shift: -8 }, xor: 0 },
    });
  });
  it('reads two-register forms of nft >= 1.1.2 as one MarkWrite', () => {
    expect(only('ct mark set ct mark & 0xffff0000 | meta mark & 0x0000ffff')).toEqual({
      kind: 'markWrite',
      write: { dst: 'ct', keep: 0xffff0000, src: { space: 'meta', take: 0xffff, shift: 0 }, xor: 0 },
    });
  });
  it('reads mark matches with masks, ranges, sets, prefixes and comparisons', () => {
    expect(only('meta mark & 0xff00 == 0x200')).toEqual({
      kind: 'mark',
      key: { space: 'meta', mask: 0xff00, shift: 0 },
      values: { kind: 'ranges', ranges: [[0x200, 0x200]] },
      invert: false,
    });
    expect(only('ct mark != { 1, 3-7 }')).toMatchObject({
      values: {
        ranges: [
          [1, 1],
          [3, 7],
        ],
      },
      invert: true,
    });
    expect(only('mark 0xffffff00/24')).toMatchObject({
      key: { mask: 0xffffff00 },
      values: { ranges: [[0xffffff00, 0xffffff00]] },
    });
    expect(only('meta mark < 10')).toMatchObject({ values: { ranges: [[0, 9]] } });
    expect(only('ct mark @marks')).toMatchObject({ values: { kind: 'setRef', name: 'marks' } });
  });
  it('reads maps and vmaps on marks', () => {
    expect(only('meta mark set tcp dport map { 22 : 0x1, 80 : 0x2 }')).toEqual({
      kind: 'markMap',
      dst: 'meta',
      key: { kind: 'port', dir: 'dst', proto: 6 },
      map: {
        kind: 'elements',
        entries: [
          { key: [22, 22], value: 1 },
          { key: [80, 80], value: 2 },
        ],
      },
    });
    expect(only('meta mark vmap { 1 : accept, 2 : jump x }')).toEqual({
      kind: 'vmap',
      key: { kind: 'mark', key: { space: 'meta', mask: 0xffffffff, shift: 0 } },
      map: {
        kind: 'elements',
        entries: [
          { key: [1, 1], verdict: { kind: 'accept' } },
          { key: [2, 2], verdict: { kind: 'jump', target: 'x' } },
        ],
      },
    });
  });
  it('reads secmark statements', () => {
    expect(only('meta secmark set "ssh_server"')).toEqual({
      kind: 'secmarkSet',
      dst: 'meta',
      label: 'ssh_server',
    });
    expect(only('ct secmark set meta secmark')).toEqual({ kind: 'secmarkCopy', dst: 'ct', mode: 'copy' });
    expect(only('meta secmark set ct secmark')).toEqual({ kind: 'secmarkCopy', dst: 'meta', mode: 'copy' });
  });
  it('keeps unmodelled constructs whole, flagged when they may touch marks', () => {
    expect(only('meta mark set socket mark')).toMatchObject({
      kind: 'opaque',
      readsMark: true,
      writesMark: true,
    });
    expect(only('ct mark set jhash ip saddr mod 2')).toMatchObject({ kind: 'opaque', writesMark: true });
    expect(only('ct mark set numgen inc mod 2')).toMatchObject({ kind: 'opaque', writesMark: true });
    expect(only('fib daddr . mark type local')).toMatchObject({
      kind: 'opaque',
      role: 'match',
      readsMark: true,
    });
    expect(only('limit rate 10/second')).toMatchObject({
      kind: 'opaque',
      text: 'limit rate 10/second',
      readsMark: false,
    });
    expect(parseNftRuleBody('ct helper set "ftp" counter accept').exprs.map((e) => e.kind)).toEqual([
      'opaque',
      'counter',
      'verdict',
    ]);
  });
  it('reads common matches and statements typed', () => {
    const r = parseNftRuleBody(
      'iifname "eth*" ip saddr { 10.0.0.0/8, 192.168.1.1 } meta l4proto udp udp dport 53 ct state established,related counter log prefix "x " group 2 snat to 192.0.2.1 comment "c"',
    );
    expect(r.comment).toBe('c');
    expect(r.exprs.map((e) => e.kind)).toEqual(['iface', 'addr', 'port', 'ctstate', 'counter', 'log', 'nat']);
    expect(r.exprs[0]).toEqual({ kind: 'iface', dir: 'in', names: ['eth*'], invert: false });
    expect(r.exprs[6]).toMatchObject({ type: 'snat', to: '192.0.2.1' });
  });
});
