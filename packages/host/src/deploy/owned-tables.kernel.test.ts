import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PlanReport } from '@markwright/core';
import { dualWanFile } from '@markwright/core/testing';
import { createRouterLab, kernelSkip, type Netns, type RouterLab, waitFor } from '@markwright/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTarget } from '../exec/target';
import { runVerb } from '../helper/verbs';
import type { Target } from '../types';
import type { DeployContext } from './context';
import { uninstall } from './operations';
import { persistencePaths } from './persistence';
import { rollback } from './rollback';
import { openSession } from './session';

// The dual-WAN router from the lab: LAN r0 (10.70.0.0/24), wan1 r1 (main default), wan2 r2. HTTPS from the LAN is
// marked isp2, the mark saved to the ct mark and restored on replies, `fwmark isp2 lookup 200`, table 200 default
// via wan2. Real TCP connections from the client to a server on both uplinks say which uplink answered.

const skip = kernelSkip('owned route tables kernel tests', ['ip', 'nft', 'conntrack']);

const TABLE = 200;
const BY_WAN2 = { to: 'default', via: '198.51.100.2', dev: 'r2' };

const dualWan = (binding: Record<string, unknown>) =>
  dualWanFile({ lan: 'r0', table: TABLE, priority: 10200, binding });

const WITHOUT_LAN = dualWan({ owns: { routes: [BY_WAN2] } });
/** Owns table 200 and copies the LAN's connected routes into it, as mwan3 does. */
const WITH_LAN = dualWan({ owns: { routes: [BY_WAN2], copy: [{ dev: 'r0' }] } });
/** Only packets arriving from the LAN use table 200; replies from wan2 take table main. */
const IIF_BINDING = dualWan({ iif: 'r0', owns: { routes: [BY_WAN2] } });

const SERVER = `
const net = require('node:net');
const [address, name] = process.argv.slice(1);
let ready = 0;
for (const port of [80, 443]) {
  net.createServer((s) => s.end(name)).listen(port, address, () => { if (++ready === 2) console.log('ready'); });
}`;
const CLIENT = `
const net = require('node:net');
const [address, port] = process.argv.slice(1);
const s = net.connect({ host: address, port: Number(port), timeout: 1500 });
let got = '';
s.on('data', (d) => { got += d; });
s.on('end', () => { console.log(got); process.exit(0); });
s.on('timeout', () => { console.log('timeout'); process.exit(0); });
s.on('error', (e) => { console.log(e.code); process.exit(0); });`;

describe.skipIf(skip)('tables Markwright owns, on a dual-WAN router', () => {
  let lab: RouterLab;
  let dir: string;
  const servers: ChildProcess[] = [];
  const target = (): Target => parseTarget(`netns:${lab.router.name}`);
  const session = async (): Promise<DeployContext> => ({
    ...(await openSession({ target: target(), stateDir: join(dir, 'state'), rootDir: join(dir, 'root') })),
    launchWatchdog: () => null,
  });
  const open = () => session();
  const verb = (verbName: 'plan' | 'apply', doc: unknown) =>
    runVerb(
      {
        id: 1,
        verb: verbName,
        target: `netns:${lab.router.name}`,
        document: JSON.stringify(doc),
        confirmTimeout: 0,
      },
      open,
    );
  /** What a TCP connection from the LAN client to the far address gets: the uplink's name, or why not. */
  const connect = (port: number): string =>
    lab.client.exec([process.execPath, '-e', CLIENT, lab.farAddress, String(port)]).stdout.trim();
  const table200 = (ns: Netns = lab.router): string[] =>
    ns
      .exec(['ip', '-4', 'route', 'show', 'table', String(TABLE)])
      .stdout.split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '');
  const ourRules = () =>
    lab.router
      .exec(['ip', '-4', 'rule', 'show'])
      .stdout.split('\n')
      .filter((l) => l.endsWith(' proto 77'))
      .join('\n');

  beforeAll(async () => {
    lab = createRouterLab('owntab');
    dir = mkdtempSync(join(tmpdir(), 'mw-owntab-'));
    for (const [uplink, name] of [
      [lab.uplink1, 'uplink1'],
      [lab.uplink2, 'uplink2'],
    ] as const) {
      const child = spawn(
        'ip',
        ['netns', 'exec', uplink.name, process.execPath, '-e', SERVER, lab.farAddress, name],
        {
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      servers.push(child);
      let out = '';
      child.stdout?.on('data', (d) => {
        out += d;
      });
      await waitFor(() => out.includes('ready'), 10_000, `the server in ${name}`);
    }
  });
  afterAll(() => {
    for (const child of servers) child.kill('SIGKILL');
    lab?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('without the LAN in table 200 the SYN-ACK goes back out wan2 and HTTPS from the LAN fails', async () => {
    expect(connect(443)).toBe('uplink1');
    await verb('apply', WITHOUT_LAN);
    expect(table200()).toEqual(['default via 198.51.100.2 dev r2 proto 77']);
    // The kernel's own answer for the reply with the restored mark: back out wan2.
    const reply = lab.router.exec([
      'ip',
      'route',
      'get',
      lab.clientAddress,
      'from',
      lab.farAddress,
      'iif',
      'r2',
      'mark',
      '0x2000000',
    ]).stdout;
    expect(reply).toContain('dev r2');
    expect(connect(443)).toBe('timeout');
    expect(connect(80)).toBe('uplink1');
  });

  it('with the LAN copied into table 200 real connections leave by wan2 and replies reach the LAN', async () => {
    const plan = (await verb('plan', WITH_LAN)) as PlanReport;
    expect(plan.problems).toEqual([]);
    expect(plan.changes.filter((c) => c.kind === 'route')).toEqual([
      {
        kind: 'route',
        action: 'keep',
        text: '-4 default via 198.51.100.2 dev r2 table 200 proto 77 metric 0',
      },
      {
        kind: 'route',
        action: 'add',
        text: '-4 10.70.0.0/24 dev r0 table 200 proto 77 metric 0 src 10.70.0.1',
      },
    ]);
    await verb('apply', WITH_LAN);
    expect(table200().sort()).toEqual([
      '10.70.0.0/24 dev r0 proto 77 scope link src 10.70.0.1',
      'default via 198.51.100.2 dev r2 proto 77',
    ]);
    for (let i = 0; i < 3; i++) expect(connect(443)).toBe('uplink2');
    expect(connect(80)).toBe('uplink1');
  });

  it('the restore files bring the owned routes back before the ip rules', () => {
    const files = persistencePaths(join(dir, 'root'), target());
    const saved = readFileSync(files.routesV4, 'utf8');
    expect(saved.split('\n').sort()).toEqual([
      '',
      'route add 10.70.0.0/24 dev r0 table 200 proto 77 metric 0 src 10.70.0.1',
      'route add default via 198.51.100.2 dev r2 table 200 proto 77 metric 0',
    ]);
    const before = table200();
    lab.router.exec(['ip', '-4', 'route', 'flush', 'table', String(TABLE), 'proto', '77']);
    expect(table200()).toEqual([]);
    lab.router.exec(['ip', '-4', '-batch', files.routesV4]);
    expect(table200()).toEqual(before);
  });

  it('an iif binding alone makes replies take table main; the copied route goes', async () => {
    await verb('apply', IIF_BINDING);
    expect(table200()).toEqual(['default via 198.51.100.2 dev r2 proto 77']);
    expect(ourRules()).toBe('10200:\tfrom all fwmark 0x2000000/0x3000000 iif r0 lookup 200 proto 77');
    for (let i = 0; i < 3; i++) expect(connect(443)).toBe('uplink2');
  });

  it('rollback puts the earlier owned routes back; uninstall removes exactly ours, a foreign route stays', async () => {
    const ctx = await session();
    await rollback(ctx);
    expect(table200().sort()).toEqual([
      '10.70.0.0/24 dev r0 proto 77 scope link src 10.70.0.1',
      'default via 198.51.100.2 dev r2 proto 77',
    ]);
    expect(connect(443)).toBe('uplink2');
    lab.router.exec([
      'ip',
      'route',
      'add',
      '10.99.0.0/16',
      'via',
      '198.51.100.2',
      'table',
      String(TABLE),
      'proto',
      'static',
    ]);
    await uninstall(ctx);
    expect(table200()).toEqual(['10.99.0.0/16 via 198.51.100.2 dev r2 proto static']);
    expect(ourRules()).toBe('');
    expect(connect(443)).toBe('uplink1');
  });

  it('plan and apply refuse a table that holds routes Markwright does not own, and a gateway off-link', async () => {
    const plan = (await verb('plan', WITH_LAN)) as PlanReport;
    expect(plan.problems).toEqual([
      {
        part: 'route',
        kind: 'document',
        field: 'policy.routes[0].table',
        value: 200,
        message:
          'table 200 already holds IPv4 routes Markwright does not own (10.99.0.0/16 via 198.51.100.2 dev r2 proto static); choose a free table or remove them',
      },
    ]);
    await expect(verb('apply', WITH_LAN)).rejects.toThrow(
      /^policy\.routes\[0\]\.table: table 200 already holds/,
    );
    expect(table200()).toEqual(['10.99.0.0/16 via 198.51.100.2 dev r2 proto static']);
    expect(lab.router.exec(['nft', 'list', 'tables']).stdout).not.toContain('markwright');
    lab.router.exec(['ip', 'route', 'del', '10.99.0.0/16', 'table', String(TABLE)]);
    const offLink = dualWan({ owns: { routes: [{ to: 'default', via: '192.0.2.2', dev: 'r2' }] } });
    expect(((await verb('plan', offLink)) as PlanReport).problems?.map((p) => [p.field, p.value])).toEqual([
      ['policy.routes[0].owns.routes[0].via', '192.0.2.2'],
    ]);
  });
});
