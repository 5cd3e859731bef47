import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRouterLab, kernelSkip, type RouterLab, sendUdp, waitFor } from '@markwright/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTarget } from '../exec/target';
import { bundleWatchdog } from '../testing/bundles';
import { addForeignState, foreignState, ownedKernelState } from '../testing/foreign';
import { SAMPLE_DOC } from '../testing/sample-doc';
import type { DeployContext } from './context';
import { apply, confirm, status, uninstall } from './operations';
import { ownedStateFromDocument, readDocument } from './owned-from-document';
import { restoreDocument } from './owned-table';
import { DEFAULT_OWNERSHIP } from './ownership';
import { persistencePaths } from './persistence';
import { rollback } from './rollback';
import { openSession } from './session';

const skip = kernelSkip('deploy kernel tests', ['ip', 'nft', 'iptables', 'tc', 'ping']);

/** The sample document, steering `port` (or ICMP when port is null) to uplink2, optionally persisting. */
function docFor(port: number | null, persist = true) {
  const d = structuredClone(SAMPLE_DOC) as {
    layout: { fields: Record<string, unknown>[] };
    policy: { rules: Record<string, unknown>[] };
  };
  d.layout.fields[0]!.persist = persist;
  d.layout.fields[0]!.newOnly = true;
  d.policy.rules[0]!.match =
    port === null ? { iif: 'r0', proto: 'icmp' } : { iif: 'r0', proto: 'udp', dport: port };
  return d;
}

const wanted = (d: unknown) =>
  ownedStateFromDocument(readDocument(JSON.stringify(d), 'doc'), DEFAULT_OWNERSHIP);
const input = (d: unknown, confirmTimeout: number) => ({
  wanted: wanted(d),
  document: 'doc',
  documentName: 'doc',
  confirmTimeout,
});

describe.skipIf(skip)('deploy on a router namespace', () => {
  let lab: RouterLab;
  let dir: string;
  let ctx: DeployContext;
  let before: string;
  let sport = 41000;
  const foreign = () => foreignState(lab.router, 'r2');
  const udpTo = (port: number) => {
    lab.received(port);
    const start = lab.received(port);
    sendUdp(lab.client, { daddr: lab.farAddress, dport: port, sport: sport++, count: 2 });
    const end = lab.received(port);
    return { uplink1: end.uplink1 - start.uplink1, uplink2: end.uplink2 - start.uplink2 };
  };

  beforeAll(async () => {
    lab = createRouterLab('dep');
    addForeignState(lab.router, 'r2');
    dir = mkdtempSync(join(tmpdir(), 'mw-deploy-'));
    process.env.MARKWRIGHT_WATCHDOG = bundleWatchdog(dir);
    ctx = await openSession({
      target: parseTarget(`netns:${lab.router.name}`),
      stateDir: join(dir, 'state'),
      rootDir: join(dir, 'root'),
    });
    before = foreign();
  });
  afterAll(() => {
    lab?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('apply steers matching packets to uplink2 and leaves foreign state byte-identical', async () => {
    expect(udpTo(6001)).toEqual({ uplink1: 2, uplink2: 0 });
    await apply(ctx, input(docFor(6001), 0));
    expect(foreign()).toBe(before);
    expect(udpTo(6001)).toEqual({ uplink1: 0, uplink2: 2 });
    expect(udpTo(6002)).toEqual({ uplink1: 2, uplink2: 0 });
    expect(
      lab.router.exec(['conntrack', '-L', '-p', 'udp', '--dport', '6001'], { allowFail: true }).stdout,
    ).toMatch(/mark=512/);
    expect((await status(ctx)).state).toBe('confirmed');
  });

  it('an unconfirmed deployment is reverted at its deadline by the watchdog', async () => {
    const result = await apply(ctx, input(docFor(6003), 2));
    expect(foreign()).toBe(before);
    expect(udpTo(6003)).toEqual({ uplink1: 0, uplink2: 2 });
    const s = await status(ctx);
    expect(s.state).toBe('pending');
    expect(s.pending?.secondsLeft).toBeGreaterThan(0);
    await waitFor(
      () => ctx.store.deployment(result.deployment.id)?.outcome === 'reverted',
      15_000,
      'the revert',
    );
    expect(udpTo(6003)).toEqual({ uplink1: 2, uplink2: 0 });
    expect(udpTo(6001)).toEqual({ uplink1: 0, uplink2: 2 });
    expect(foreign()).toBe(before);
  });

  it('confirm keeps the deployment and writes persistence; rollback goes back', async () => {
    const ownedBefore = ownedKernelState(lab.router);
    await apply(ctx, input(docFor(6004), 30));
    await confirm(ctx);
    expect(foreign()).toBe(before);
    // What survives a reboot is exactly the confirmed owned state: the table as the kernel listed it.
    const persisted = persistencePaths(ctx.rootDir, ctx.runner.target);
    const confirmed = ctx.store.current()!;
    expect(confirmed.outcome).toBe('confirmed');
    expect(readFileSync(persisted.ruleset, 'utf8')).toBe(restoreDocument(confirmed.state.nft!));
    expect(JSON.stringify(confirmed.state.nft)).toMatch(/"dport".*6004/);
    expect(readFileSync(persisted.ipRulesV4, 'utf8')).toBe(
      confirmed.state.ipRules.v4.map((rule) => `rule add ${rule}\n`).join(''),
    );
    expect(confirmed.state.ipRules.v4.length).toBeGreaterThan(0);
    expect(udpTo(6004)).toEqual({ uplink1: 0, uplink2: 2 });
    await rollback(ctx);
    expect(ownedKernelState(lab.router)).toBe(ownedBefore);
    expect(udpTo(6004)).toEqual({ uplink1: 2, uplink2: 0 });
    expect(udpTo(6001)).toEqual({ uplink1: 0, uplink2: 2 });
    expect(foreign()).toBe(before);
  });

  it('a persist field survives across the packets of a flow (and does not without persist)', async () => {
    const countIcmp = () =>
      [lab.uplink1, lab.uplink2].map((u) => {
        const out = u.exec(['nft', 'list', 'chain', 'inet', 'mwlab', 'input']).stdout;
        return Number(/icmp type echo-request counter packets (\d+)/.exec(out)?.[1] ?? 0);
      });
    for (const u of [lab.uplink1, lab.uplink2]) {
      u.nft('add rule inet mwlab input icmp type echo-request counter\n');
    }
    const ping = () => {
      const [a1, a2] = countIcmp();
      lab.client.exec(['ping', '-c', '4', '-i', '0.2', '-W', '1', lab.farAddress], { allowFail: true });
      const [b1, b2] = countIcmp();
      return { uplink1: b1! - a1!, uplink2: b2! - a2! };
    };
    // Only the first echo request is ct state new; later ones get the field back from the conntrack mark.
    await apply(ctx, input(docFor(null, true), 0));
    expect(ping()).toEqual({ uplink1: 0, uplink2: 4 });
    lab.router.exec(['conntrack', '-F'], { allowFail: true });
    await apply(ctx, input(docFor(null, false), 0));
    expect(ping()).toEqual({ uplink1: 3, uplink2: 1 });
    expect(foreign()).toBe(before);
  });

  it('uninstall removes all of ours and nothing else', async () => {
    await uninstall(ctx);
    expect(ownedKernelState(lab.router)).toBe('(no table)\n--\n\n--\n');
    expect(udpTo(6001)).toEqual({ uplink1: 2, uplink2: 0 });
    expect(foreign()).toBe(before);
  });
});
