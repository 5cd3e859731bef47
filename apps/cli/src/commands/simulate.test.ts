import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnvironmentError, InputError, type SimulationReport } from '@markwright/core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCommand } from '../testing/run-command';
import simulate from './simulate';

let dir: string;
const file = (name: string, content: string): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

const NFT = `table ip mw {
  chain pre {
    type filter hook prerouting priority mangle; policy accept;
    ct state new udp dport 53 meta mark set meta mark | 0x00000008
    ct mark set meta mark
  }
}
`;
const IPTABLES = `*mangle
:PREROUTING ACCEPT [0:0]
-A PREROUTING -p udp -m udp --dport 53 -j MARK --set-xmark 0x8/0x8
-A PREROUTING -j CONNMARK --save-mark --nfmask 0xff --ctmask 0xff
COMMIT
`;
// As `ip -j rule show` and `ip -j route show table all` print them.
const IP_RULES = JSON.stringify([
  { priority: 0, src: 'all', table: 'local' },
  { priority: 100, src: 'all', fwmark: '0x8', fwmask: '0x8', table: '100' },
  {
    priority: 101,
    not: null,
    src: '10.0.0.0',
    srclen: 8,
    fwmark: '0x1',
    table: 'main',
    suppress_prefixlen: 0,
  },
  { priority: 102, src: 'all', iif: 'r9', goto: 32766 },
  { priority: 103, src: 'all', dst: '1.2.3.4', action: 'blackhole' },
  { priority: 32766, src: 'all', table: 'main' },
  { priority: 32767, src: 'all', table: 'default' },
]);
const ROUTES = JSON.stringify([
  { dst: 'default', gateway: '198.51.100.2', dev: 'r2', table: '100', flags: [] },
  { dst: 'default', gateway: '192.0.2.2', dev: 'r1', flags: [] },
  { type: 'throw', dst: '10.7.0.0/16', table: '100', flags: [] },
  { dst: '10.70.0.0/24', dev: 'r0', protocol: 'kernel', scope: 'link', prefsrc: '10.70.0.1', flags: [] },
  {
    type: 'local',
    dst: '10.70.0.1',
    dev: 'r0',
    table: 'local',
    protocol: 'kernel',
    scope: 'host',
    prefsrc: '10.70.0.1',
    flags: [],
  },
  { dst: 'fe80::/64', dev: 'r0', protocol: 'kernel', metric: 256, flags: [], pref: 'medium' },
]);
const PACKET =
  '{"iif":"r0","saddr":"10.70.0.2","daddr":"203.0.113.7","proto":"udp","sport":40000,"dport":53,"mark":0}';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mw-simulate-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (args: string[]) => runCommand(simulate, args);

describe('markwright simulate', () => {
  it('prints the pinned JSON shape: verdict, mark, ctmark, oif, table, steps per packet', async () => {
    const ruleset = file('r.nft', NFT);
    const args = [
      '--ruleset',
      ruleset,
      '--ip-rules',
      file('rules.json', IP_RULES),
      '--routes',
      file('routes.json', ROUTES),
    ];
    const { code, out } = await run([...args, '--packet', PACKET, '--packet', PACKET, '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(out) as SimulationReport;
    expect(report.packets).toHaveLength(2);
    for (const p of report.packets) {
      expect(p).toMatchObject({ verdict: 'accept', mark: 8, ctmark: 8, oif: 'r2', table: '100' });
      expect(Array.isArray(p.steps)).toBe(true);
    }
    const rule = report.packets[0]!.steps.find((s) => s.kind === 'rule');
    expect(rule).toMatchObject({
      hook: 'prerouting',
      table: 'mw',
      chain: 'pre',
      matched: true,
      markBefore: 0,
      markAfter: 8,
    });
  });

  it('prints a readable trace table with marks in hex when --json is absent', async () => {
    const { code, out } = await run([
      '--ruleset',
      file('r2.nft', NFT),
      '--routes',
      file('routes2.json', ROUTES),
      '--packet',
      PACKET,
    ]);
    expect(code).toBe(0);
    expect(out).toMatch(/hook\s+table\/chain\s+rule\s+result\s+mark\s+ctmark/);
    expect(out).toMatch(/prerouting\s+ip mw\/pre\s+ct state new udp dport 53/);
    expect(out).toContain('0x00000000→0x00000008');
    expect(out).toMatch(/=> ACCEPT, forward, oif r1, table main, mark 0x00000008, ctmark 0x00000008/);
  });

  it('reads iptables-save rulesets too', async () => {
    const { out } = await run([
      '--ruleset',
      file('r.save', IPTABLES),
      '--routes',
      file('routes3.json', ROUTES),
      '--packet',
      PACKET,
      '--json',
    ]);
    expect(JSON.parse(out).packets[0]).toMatchObject({ mark: 8, ctmark: 8 });
  });

  it('classifies on tc egress filters read with --tc and --tc-dev', async () => {
    // As `tc -j filter show dev r2` prints an fw filter (iproute2 f_fw.c).
    const tc = JSON.stringify([
      { protocol: 'all', pref: 5, kind: 'fw', chain: 0 },
      {
        protocol: 'all',
        pref: 5,
        kind: 'fw',
        chain: 0,
        options: { fw: { mark: '0x8', mask: '0xff' }, classid: '1:20' },
      },
    ]);
    const args = [
      '--ruleset',
      file('r7.nft', NFT),
      '--ip-rules',
      file('rules7.json', IP_RULES),
      '--routes',
      file('routes7.json', ROUTES),
    ];
    const { out } = await run([
      ...args,
      '--tc',
      file('tc.json', tc),
      '--tc-dev',
      'r2',
      '--packet',
      PACKET,
      '--json',
    ]);
    const p = JSON.parse(out).packets[0];
    expect(p).toMatchObject({ oif: 'r2', classid: '1:20' });
    expect(p.steps.at(-1)).toMatchObject({ kind: 'tc', dev: 'r2', classid: '1:20' });
    await expect(run([...args, '--tc', file('tc2.json', tc), '--packet', PACKET])).rejects.toThrow(
      /--tc-dev/,
    );
  });

  it('names the packet key and value of a bad packet', async () => {
    const ruleset = file('r3.nft', NFT);
    await expect(
      run([
        '--ruleset',
        ruleset,
        '--packet',
        '{"saddr":"10.0.0.1","daddr":"10.0.0.2","proto":"udp","mark":-3}',
      ]),
    ).rejects.toThrow(/--packet\[1\]\.mark.*-3/);
    await expect(
      run(['--ruleset', ruleset, '--packet', PACKET, '--packet', '{"saddr":"10.0.0.1"']),
    ).rejects.toThrow(/--packet\[2\]/);
    await expect(
      run([
        '--ruleset',
        ruleset,
        '--packet',
        '{"saddr":"10.0.0.1","daddr":"10.0.0.2","proto":"udp","ttl":3}',
      ]),
    ).rejects.toThrow(/--packet\[1\]\.ttl/);
  });

  it('refuses missing options and unreadable files as input errors', async () => {
    await expect(run(['--packet', PACKET])).rejects.toThrow(/--ruleset/);
    await expect(run(['--ruleset', file('r4.nft', NFT)])).rejects.toThrow(/--packet.*required/);
    await expect(run(['--ruleset', join(dir, 'absent.nft'), '--packet', PACKET])).rejects.toThrow(InputError);
    await expect(
      run(['--ruleset', file('r5.nft', NFT), '--ip-rules', file('bad.json', '{"x":1}'), '--packet', PACKET]),
    ).rejects.toThrow(/bad\.json/);
  });

  it('--verify without root is an environment error (exit 2) that says why', async () => {
    const spy = vi.spyOn(process, 'getuid').mockReturnValue(1000);
    try {
      const failed = run(['--ruleset', file('r6.nft', NFT), '--packet', PACKET, '--verify']);
      await expect(failed).rejects.toThrow(EnvironmentError);
      await expect(failed).rejects.toThrow(/--verify needs root/);
    } finally {
      spy.mockRestore();
    }
  });
});
