import { describe, expect, it } from 'vitest';
import { parseIpRoutesJson } from './routes';
import { parseIpRulesJson } from './rules';
import { parseIpRoutesAuto, parseIpRulesAuto, parseIpRulesText } from './text';

// Pasted `ip rule show` / `ip route show` (iproute2 6.1) beside what `ip -j` printed for the same rules.
const RULES = `0:	from all lookup local
5210:	from all fwmark 0x80000/0xff0000 lookup main
5250:	from all fwmark 0x80000/0xff0000 unreachable
5270:	from all lookup 52
10000:	not from 10.0.0.0/8 iif v9 [detached] fwmark 0x1/0x3 lookup 100 proto 77
110:	from all tos 0x10 uidrange 100-200 ipproto tcp sport 1000-2000 dport 80 lookup 7
105:	from all goto 110
109:	from all nop
32766:	from all lookup main
`;
const RULES_JSON = JSON.stringify([
  { priority: 0, src: 'all', table: 'local' },
  { priority: 5210, src: 'all', fwmark: '0x80000', fwmask: '0xff0000', table: 'main' },
  { priority: 5250, src: 'all', fwmark: '0x80000', fwmask: '0xff0000', action: 'unreachable' },
  { priority: 5270, src: 'all', table: '52' },
  {
    priority: 10000,
    not: null,
    src: '10.0.0.0',
    srclen: 8,
    iif: 'v9',
    iif_detached: null,
    fwmark: '0x1',
    fwmask: '0x3',
    table: '100',
    protocol: '77',
  },
  {
    priority: 110,
    src: 'all',
    tos: '0x10',
    uid_start: 100,
    uid_end: 200,
    ipproto: 'tcp',
    sport_start: 1000,
    sport_end: 2000,
    dport: 80,
    table: '7',
  },
  { priority: 105, src: 'all', goto: 110 },
  { priority: 109, src: 'all', nop: null },
  { priority: 32766, src: 'all', table: 'main' },
]);

describe('ip rule show text', () => {
  it('reads into the same IR as ip -j rule show', () => {
    expect(parseIpRulesText(RULES)).toEqual(parseIpRulesJson(RULES_JSON));
    expect(parseIpRulesAuto(RULES_JSON)).toEqual(parseIpRulesAuto(RULES));
  });

  it('names the line and the word it cannot read', () => {
    expect(() => parseIpRulesText('0:\tfrom all lookup local\n5:\tfrom all frobnicate 3\n')).toThrow(
      /ip rule line 2: unknown word "frobnicate"/,
    );
    expect(() => parseIpRulesText('from all lookup main')).toThrow(/ip rule line 1: expected "PRIORITY:"/);
  });
});

describe('ip route show text', () => {
  it('reads routes of every type and table like ip -j route show', () => {
    const text = `default via 10.9.0.2 dev v0 table 200 src 10.9.0.1
blackhole 10.99.0.0/16 table 100
192.168.5.0/24 via 10.9.0.2 dev v0 table 100 proto static metric 5
local 10.9.0.1 dev v0 table local proto kernel scope host src 10.9.0.1
10.9.0.0/24 dev v0 proto kernel scope link src 10.9.0.1 linkdown
`;
    const json = JSON.stringify([
      { dst: 'default', gateway: '10.9.0.2', dev: 'v0', table: '200', prefsrc: '10.9.0.1', flags: [] },
      { type: 'blackhole', dst: '10.99.0.0/16', table: '100', flags: [] },
      {
        dst: '192.168.5.0/24',
        gateway: '10.9.0.2',
        dev: 'v0',
        table: '100',
        protocol: 'static',
        metric: 5,
        flags: [],
      },
      {
        type: 'local',
        dst: '10.9.0.1',
        dev: 'v0',
        table: 'local',
        protocol: 'kernel',
        scope: 'host',
        prefsrc: '10.9.0.1',
        flags: [],
      },
      {
        dst: '10.9.0.0/24',
        dev: 'v0',
        protocol: 'kernel',
        scope: 'link',
        prefsrc: '10.9.0.1',
        flags: ['linkdown'],
      },
    ]);
    expect(parseIpRoutesAuto(text)).toEqual(parseIpRoutesJson(json));
  });
});
