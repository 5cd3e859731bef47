// The deploy path as the app uses it: HTTP client → serve-mode server → service → helper host bridge → the
// privileged helper's deploy verbs in a router namespace, with real UDP traffic showing where packets leave.

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createHttpApi, type MarkwrightApi } from '@markwright/api';
import {
  type Backend,
  createBackend,
  HelperHostBridge,
  type RunningServer,
  startServer,
} from '@markwright/app-backend';
import { bundleWatchdog } from '@markwright/host/testing';
import { createRouterLab, kernelSkip, type RouterLab, sendUdp } from '@markwright/testkit';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const skip = kernelSkip('deploy through the app backend', ['ip', 'nft', 'conntrack']);

const cliDir = resolve(import.meta.dirname, '../..');

const steer = (port: number) => ({
  format: 'markwright/1',
  name: 'steer',
  layout: {
    fields: [
      { name: 'uplink', kind: 'enum', offset: 8, width: 2, values: { one: 1, two: 2 }, persist: true },
    ],
  },
  policy: {
    rules: [{ name: 'to uplink2', match: { iif: 'r0', proto: 'udp', dport: port }, set: { uplink: 'two' } }],
    routes: [{ when: { uplink: 'two' }, table: 100, priority: 10100, family: 4 }],
    classes: [],
  },
});

describe.skipIf(skip)('deploying through the app backend to a router namespace', () => {
  let lab: RouterLab;
  let dir: string;
  let backend: Backend;
  let server: RunningServer;
  let api: MarkwrightApi;
  let target: string;
  let sport = 43000;
  const udpTo = (port: number) => {
    const start = lab.received(port);
    sendUdp(lab.client, { daddr: lab.farAddress, dport: port, sport: sport++, count: 2 });
    const end = lab.received(port);
    return { uplink1: end.uplink1 - start.uplink1, uplink2: end.uplink2 - start.uplink2 };
  };

  beforeAll(async () => {
    lab = createRouterLab('app');
    target = `netns:${lab.router.name}`;
    // A private CLI bundle inside this package, so its `better-sqlite3` import resolves and no build races.
    mkdirSync(join(cliDir, 'node_modules', '.cache'), { recursive: true });
    dir = mkdtempSync(join(cliDir, 'node_modules', '.cache', 'deploy-kernel-'));
    const common = { bundle: true, platform: 'node', format: 'esm', logLevel: 'error' } as const;
    await build({
      ...common,
      entryPoints: {
        markwright: join(cliDir, 'src/main.ts'),
        helper: join(cliDir, '../../packages/host/src/helper/helper-main.ts'),
      },
      outdir: dir,
      outExtension: { '.js': '.mjs' },
      external: ['better-sqlite3', 'electron'],
      banner: {
        js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
      },
    });
    process.env.MARKWRIGHT_WATCHDOG = bundleWatchdog(dir);
    mkdirSync(join(dir, 'root'));
    const host = new HelperHostBridge({
      cliPath: join(dir, 'markwright.mjs'),
      stateDir: join(dir, 'state'),
      rootDir: join(dir, 'root'),
    });
    backend = createBackend({ dbPath: join(dir, 'app.db'), host });
    server = await startServer({ dispatch: backend.dispatch, rendererDir: dir, port: 0 });
    api = createHttpApi({ baseUrl: server.origin, token: server.token });
  });
  afterAll(async () => {
    await server?.close();
    backend?.close();
    lab?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('lists the namespace and probes it', async () => {
    expect(await api.listTargets()).toContain(target);
    const report = await api.probe({ target });
    expect(report.tools.nft).not.toBeNull();
    expect(report.owned.table).toBe(false);
  });

  it('plans, applies, confirms: traffic leaves by uplink2, history is mirrored', async () => {
    await api.createLayout({ name: 'steer', document: steer(6101) });
    const plan = await api.plan({ name: 'steer', target });
    expect(plan.check).toEqual({ ok: true, message: null });
    expect(plan.changes.some((c) => c.action === 'add')).toBe(true);
    expect(udpTo(6101)).toEqual({ uplink1: 2, uplink2: 0 });
    const applied = await api.apply({ name: 'steer', target, confirmTimeout: 60 });
    expect(applied.deployment.outcome).toBe('pending');
    expect((await api.status({ target })).state).toBe('pending');
    expect(udpTo(6101)).toEqual({ uplink1: 0, uplink2: 2 });
    expect((await api.confirm({ target })).outcome).toBe('confirmed');
    const rows = backend.store.db
      .prepare('SELECT id, layout_name, layout_version, outcome FROM deployments')
      .all() as { id: string }[];
    expect(rows).toEqual([
      { id: applied.deployment.id, layout_name: 'steer', layout_version: 1, outcome: 'confirmed' },
    ]);
  });

  it('rolls back to the earlier deployment: the kernel routes as it did', async () => {
    await api.saveLayout({ name: 'steer', document: steer(6102) });
    await api.apply({ name: 'steer', target, confirmTimeout: 0 });
    expect(udpTo(6102)).toEqual({ uplink1: 0, uplink2: 2 });
    expect(udpTo(6101)).toEqual({ uplink1: 2, uplink2: 0 });
    const history = await api.history({ target });
    expect(history.length).toBeGreaterThanOrEqual(2);
    const earliest = history[0]!; // the host lists oldest first
    expect(earliest.outcome).not.toBe('pending');
    await api.rollback({ target, to: earliest.id });
    expect(udpTo(6101)).toEqual({ uplink1: 0, uplink2: 2 });
    expect(udpTo(6102)).toEqual({ uplink1: 2, uplink2: 0 });
    const mirrored = backend.store.deployments(target);
    expect(mirrored.length).toBeGreaterThanOrEqual(history.length);
  });

  it('carries a refusal from the CLI as a typed error', async () => {
    await expect(api.confirm({ target })).rejects.toMatchObject({ name: 'ApiError' });
  });
});
