import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PacketSpec, VerifyReport } from '@markwright/core';
import { simulate as simulateBox } from '@markwright/core/simulate';
import { kernelSkip, run as runTool } from '@markwright/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import simulate from '../commands/simulate';
import { type CommandIo, EXIT } from '../io';
import { loadBox } from './box-files';
import { verifyOnKernel } from './verify';

// `simulate --verify` with TCP, with IPv6 (ip -6 rules and routes), and with a kernel that disagrees (exit 3).

const reason = kernelSkip('simulate --verify TCP/IPv6 kernel tests', ['ip', 'nft', 'python3']);

let dir: string;
const file = (name: string, content: string): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mw-verify6-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const capture = (args: string[]): { io: CommandIo; out: () => string } => {
  let out = '';
  return {
    io: { args, stdout: (t) => (out += t), stderr: (t) => (out += t), readStdin: async () => '' },
    out: () => out,
  };
};

const local = (dst: string, dev: string) => ({
  type: 'local',
  dst,
  dev,
  table: 'local',
  protocol: 'kernel',
  scope: 'host',
  prefsrc: dst,
  flags: [],
});
const connected4 = (dst: string, dev: string, prefsrc: string) => ({
  dst,
  dev,
  protocol: 'kernel',
  scope: 'link',
  prefsrc,
  flags: [],
});
// As `ip -j -6 route` lists them: no prefsrc on connected routes.
const connected6 = (dst: string, dev: string) => ({ dst, dev, protocol: 'kernel', metric: 256, flags: [] });

const ROUTES = JSON.stringify([
  { dst: 'default', gateway: '198.51.100.2', dev: 'r2', table: '100', flags: [] },
  { dst: 'default', gateway: '192.0.2.2', dev: 'r1', flags: [] },
  connected4('10.70.0.0/24', 'r0', '10.70.0.1'),
  connected4('192.0.2.0/24', 'r1', '192.0.2.1'),
  connected4('198.51.100.0/24', 'r2', '198.51.100.1'),
  local('10.70.0.1', 'r0'),
  local('192.0.2.1', 'r1'),
  local('198.51.100.1', 'r2'),
  { dst: 'default', gateway: '2001:db8:2::2', dev: 'r2', table: '100', metric: 1024, flags: [] },
  { dst: 'default', gateway: '2001:db8:1::2', dev: 'r1', metric: 1024, flags: [] },
  connected6('fd70::/64', 'r0'),
  connected6('2001:db8:1::/64', 'r1'),
  connected6('2001:db8:2::/64', 'r2'),
  local('fd70::1', 'r0'),
  local('2001:db8:1::1', 'r1'),
  local('2001:db8:2::1', 'r2'),
]);
const RULES = (table: string) =>
  JSON.stringify([
    { priority: 0, src: 'all', table: 'local' },
    { priority: 100, src: 'all', fwmark: '0x8', fwmask: '0x8', table },
    { priority: 32766, src: 'all', table: 'main' },
  ]);
// HTTPS is marked on its first packet, the mark kept in the ct mark and restored for later packets.
const RULESET = `table inet mwt {
  chain pre {
    type filter hook prerouting priority mangle; policy accept;
    ct mark != 0 meta mark set ct mark accept
    tcp dport 443 meta mark set 0x8
    udp dport 443 meta mark set 0x8
    ct mark set meta mark
  }
}
`;
const FAR4 = '203.0.113.7';
const FAR6 = '2001:db8:ff::7';
const packet = (proto: 'tcp' | 'udp', saddr: string, daddr: string, sport: number, dport: number) =>
  JSON.stringify({ iif: 'r0', saddr, daddr, proto, sport, dport });

async function verify(packets: string[]): Promise<{ code: number; report: VerifyReport }> {
  const args = [
    '--ruleset',
    file('ruleset.nft', RULESET),
    '--ip-rules',
    file('rules4.json', RULES('100')),
    '--ip6-rules',
    file('rules6.json', RULES('100')),
    '--routes',
    file('routes.json', ROUTES),
    ...packets.flatMap((p) => ['--packet', p]),
    '--verify',
    '--json',
  ];
  const c = capture(args);
  const code = await simulate(c.io);
  return { code, report: JSON.parse(c.out()) as VerifyReport };
}

describe.skipIf(reason)('markwright simulate --verify over TCP and IPv6', () => {
  it('replays TCP connection attempts (forwarded and local) and agrees with the simulator', async () => {
    const { code, report } = await verify([
      packet('tcp', '10.70.0.2', FAR4, 41000, 443),
      packet('tcp', '10.70.0.2', FAR4, 41000, 443),
      packet('tcp', '10.70.0.2', FAR4, 41001, 80),
      JSON.stringify({ iif: null, saddr: '192.0.2.1', daddr: FAR4, proto: 'tcp', sport: 41002, dport: 443 }),
      JSON.stringify({
        iif: null,
        saddr: '192.0.2.1',
        daddr: FAR4,
        proto: 'tcp',
        sport: 41003,
        dport: 80,
        mark: 8,
      }),
    ]);
    const { verify: v } = report;
    console.log(`verify TCP/IPv4: kernel and simulator agree on ${v.agreed} of ${v.compared} packets`);
    expect(v.rows.map((r) => r.differences)).toEqual([[], [], [], [], []]);
    expect(code).toBe(EXIT.ok);
    expect(v.compared).toBe(5);
    expect(v.agreed).toBe(5);
    expect(v.rows.map((r) => r.kernel.oif)).toEqual(['r2', 'r2', 'r1', 'r1', 'r2']);
    expect(v.rows.map((r) => r.kernel.mark)).toEqual([8, 8, 0, 0, 8]);
  }, 60_000);

  it('replays IPv6 UDP and TCP through ip -6 rules and routes and agrees with the simulator', async () => {
    const { code, report } = await verify([
      packet('udp', 'fd70::2', FAR6, 42000, 443),
      packet('udp', 'fd70::2', FAR6, 42000, 443),
      packet('tcp', 'fd70::2', FAR6, 42001, 443),
      packet('tcp', 'fd70::2', FAR6, 42002, 80),
      packet('udp', 'fd70::2', 'fd70::1', 42003, 53),
      JSON.stringify({
        iif: null,
        saddr: '2001:db8:1::1',
        daddr: FAR6,
        proto: 'tcp',
        sport: 42004,
        dport: 22,
        mark: 8,
      }),
    ]);
    const { verify: v } = report;
    console.log(`verify IPv6: kernel and simulator agree on ${v.agreed} of ${v.compared} packets`);
    expect(v.rows.map((r) => r.differences)).toEqual([[], [], [], [], [], []]);
    expect(code).toBe(EXIT.ok);
    expect(v.agreed).toBe(6);
    expect(v.rows.map((r) => r.kernel.oif)).toEqual(['r2', 'r2', 'r2', 'r1', null, 'r2']);
    expect(v.rows.map((r) => r.kernel.ctmark)).toEqual([8, 8, 8, 0, 0, 0]);
  }, 60_000);

  it('exits 3 and names the difference when the kernel disagrees (a foreign rule on the box changes the mark)', async () => {
    const loaded = loadBox({
      ruleset: file('ruleset-d.nft', RULESET),
      ipRules: file('rules4-d.json', RULES('100')),
      ipRules6: file('rules6-d.json', RULES('100')),
      routes: file('routes-d.json', ROUTES),
    });
    const packets: PacketSpec[] = [
      { iif: 'r0', saddr: '10.70.0.2', daddr: FAR4, proto: 'tcp', sport: 43000, dport: 443 },
      { iif: 'r0', saddr: 'fd70::2', daddr: FAR6, proto: 'tcp', sport: 43001, dport: 80 },
    ];
    const report = simulateBox(loaded.box, packets);
    const foreign =
      'table ip6 foreign {\n  chain pre {\n    type filter hook prerouting priority -200; policy accept;\n    tcp dport 80 meta mark set 0x8\n  }\n}\n';
    const c = capture([]);
    const code = await verifyOnKernel(c.io, loaded, packets, report, false, {
      afterLoad: (netns) => runTool(['nft', '-f', '-'], { netns, input: foreign }),
    });
    console.log(c.out());
    expect(code).toBe(EXIT.disagreed);
    expect(c.out()).toContain(
      'packet 1: kernel accept r2 mark 0x00000008 ctmark 0x00000008 | simulator accept r2 mark 0x00000008 ctmark 0x00000008 | agree',
    );
    expect(c.out()).toMatch(
      /packet 2: .*DIFFER \(mark: kernel 0x00000008, simulator 0x00000000; ctmark: .*; oif: kernel r2, simulator r1\)/,
    );
    expect(c.out()).toContain('kernel and simulator agree on 1 of 2 replayed packets');
  }, 60_000);
});
