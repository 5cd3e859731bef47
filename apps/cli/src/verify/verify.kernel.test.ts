import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VerifyReport } from '@markwright/core';
import { kernelSkip, run as runTool } from '@markwright/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import simulate from '../commands/simulate';
import type { CommandIo } from '../io';

const reason = kernelSkip('simulate --verify kernel tests', ['ip', 'nft', 'iptables-restore', 'python3']);

let dir: string;
const file = (name: string, content: string): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

const ROUTES = JSON.stringify([
  { dst: 'default', gateway: '198.51.100.2', dev: 'r2', table: '100', flags: [] },
  { dst: 'default', gateway: '192.0.2.2', dev: 'r1', flags: [] },
  { dst: '10.70.0.0/24', dev: 'r0', protocol: 'kernel', scope: 'link', prefsrc: '10.70.0.1', flags: [] },
  { dst: '192.0.2.0/24', dev: 'r1', protocol: 'kernel', scope: 'link', prefsrc: '192.0.2.1', flags: [] },
  {
    dst: '198.51.100.0/24',
    dev: 'r2',
    protocol: 'kernel',
    scope: 'link',
    prefsrc: '198.51.100.1',
    flags: [],
  },
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
  {
    type: 'local',
    dst: '192.0.2.1',
    dev: 'r1',
    table: 'local',
    protocol: 'kernel',
    scope: 'host',
    prefsrc: '192.0.2.1',
    flags: [],
  },
  {
    type: 'local',
    dst: '198.51.100.1',
    dev: 'r2',
    table: 'local',
    protocol: 'kernel',
    scope: 'host',
    prefsrc: '198.51.100.1',
    flags: [],
  },
]);
const IP_RULES = JSON.stringify([
  { priority: 0, src: 'all', table: 'local' },
  { priority: 100, src: 'all', fwmark: '0x8', fwmask: '0x8', table: '100' },
  { priority: 32766, src: 'all', table: 'main' },
  { priority: 32767, src: 'all', table: 'default' },
]);
// Save on the first packet, restore on later ones; an nft route chain re-routes local traffic by mark.
const IPTABLES = `*mangle
:PREROUTING ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A PREROUTING -j CONNMARK --restore-mark --nfmask 0xff --ctmask 0xff
-A PREROUTING -m mark ! --mark 0x0/0xff -j ACCEPT
-A PREROUTING -p udp -m udp --dport 53 -j MARK --set-xmark 0x8/0xff
-A PREROUTING -j CONNMARK --save-mark --nfmask 0xff --ctmask 0xff
-A OUTPUT -p udp -m udp --dport 443 -j MARK --set-xmark 0x8/0x8
COMMIT
`;
const udp = (extra: Record<string, unknown>) =>
  JSON.stringify({
    iif: 'r0',
    saddr: '10.70.0.2',
    daddr: '203.0.113.7',
    proto: 'udp',
    sport: 40000,
    dport: 53,
    ...extra,
  });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mw-verify-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(reason)('markwright simulate --verify', () => {
  it('replays the packets in scratch namespaces, agrees with the simulator, and removes the namespaces', async () => {
    let out = '';
    const io: CommandIo = {
      args: [],
      stdout: (t) => (out += t),
      stderr: (t) => (out += t),
      readStdin: async () => '',
    };
    const args = [
      '--ruleset',
      file('mangle.save', IPTABLES),
      '--ip-rules',
      file('rules.json', IP_RULES),
      '--routes',
      file('routes.json', ROUTES),
      '--packet',
      udp({}),
      '--packet',
      udp({}),
      '--packet',
      udp({ sport: 40001, dport: 80 }),
      '--packet',
      udp({ daddr: '10.70.0.1', sport: 40002 }),
      '--packet',
      udp({ iif: null, saddr: '192.0.2.1', sport: 5000, dport: 443 }),
      '--packet',
      udp({ iif: null, saddr: '192.0.2.1', sport: 5001, dport: 80, mark: 8 }),
      '--packet',
      JSON.stringify({ iif: 'r0', saddr: '10.70.0.2', daddr: '203.0.113.7', proto: 'icmp' }),
      '--verify',
      '--json',
    ];
    const code = await simulate({ ...io, args });
    expect(code).toBe(0);
    const { verify } = JSON.parse(out) as VerifyReport;
    console.log(`verify: kernel and simulator agree on ${verify.agreed} of ${verify.compared} packets`);
    expect(verify.compared).toBe(6);
    expect(verify.agreed).toBe(6);
    const rows = verify.rows;
    expect(rows[0]!.kernel).toMatchObject({ verdict: 'accept', oif: 'r2', mark: 8, ctmark: 8 });
    expect(rows[2]!.kernel).toMatchObject({ oif: 'r1', mark: 0 });
    expect(rows[3]!.kernel).toMatchObject({ oif: null });
    expect(rows[4]!.kernel).toMatchObject({ oif: 'r2', mark: 8 });
    expect(rows[5]!.kernel).toMatchObject({ oif: 'r2' });
    expect(rows[6]).toMatchObject({ agree: null, kernel: { replayed: false } });
    // Other tests may hold namespaces of their own: look only for this process's scratch ones.
    expect(
      runTool(['ip', 'netns', 'list'])
        .stdout.split('\n')
        .filter((n) => n.startsWith('mw-verify-') && n.includes(`-${process.pid}-`)),
    ).toEqual([]);
  }, 60_000);

  it('agrees with the kernel that an nft route chain re-routes on a mark change and a filter chain does not', async () => {
    const nft = `table ip mwout {
  chain route_out {
    type route hook output priority mangle; policy accept;
    udp dport 443 meta mark set meta mark | 0x8
  }
  chain filter_out {
    type filter hook output priority 0; policy accept;
    udp dport 8443 meta mark set meta mark | 0x8
  }
}
`;
    let out = '';
    const io: CommandIo = {
      args: [],
      stdout: (t) => (out += t),
      stderr: (t) => (out += t),
      readStdin: async () => '',
    };
    const local = (dport: number, sport: number) =>
      JSON.stringify({
        iif: null,
        saddr: '192.0.2.1',
        daddr: '203.0.113.7',
        proto: 'udp',
        sport,
        dport,
        mark: 0,
      });
    const args = [
      '--ruleset',
      file('out.nft', nft),
      '--ip-rules',
      file('rules2.json', IP_RULES),
      '--routes',
      file('routes2.json', ROUTES),
      '--packet',
      local(443, 6000),
      '--packet',
      local(8443, 6001),
      '--verify',
      '--json',
    ];
    expect(await simulate({ ...io, args })).toBe(0);
    const { verify } = JSON.parse(out) as VerifyReport;
    expect(verify.rows.map((r) => r.kernel.oif)).toEqual(['r2', 'r1']);
    expect(verify.rows.map((r) => r.kernel.mark)).toEqual([8, 8]);
    expect(verify.agreed).toBe(2);
  }, 60_000);
});
