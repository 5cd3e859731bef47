import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kernelSkipReason, Netns, waitFor } from '@markwright/testkit';
import { buildSync } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// A trace interrupted by Ctrl-C removes its rule itself; one killed with SIGKILL cannot, and its guard process
// removes the rule. Both run the real command line as a separate process against a namespace.

const reason = kernelSkipReason(['ip', 'nft', 'conntrack']);
if (reason) console.log(`trace.kernel.test: skipped: ${reason}`);

const bundle = (dir: string) => {
  const common = {
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    logLevel: 'error',
  } as const;
  buildSync({
    ...common,
    entryPoints: [join(import.meta.dirname, '..', 'testing', 'trace-entry.ts')],
    outfile: join(dir, 'markwright-trace.mjs'),
  });
  buildSync({
    ...common,
    entryPoints: [join(import.meta.dirname, '../../../../packages/host/src/observe/trace-guard-main.ts')],
    outfile: join(dir, 'trace-guard.mjs'),
  });
};

describe.skipIf(reason !== null)('markwright trace cleanup', () => {
  let dir: string;
  let ns: Netns;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'mw-trace-'));
    bundle(dir);
    ns = Netns.create('trace');
  });
  afterAll(() => {
    ns?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const traceTables = (): string[] =>
    ns
      .exec(['nft', 'list', 'tables'])
      .stdout.split('\n')
      .filter((l) => l.includes('markwright_trace_'));

  const startTrace = (): ChildProcess =>
    spawn(
      process.execPath,
      [
        join(dir, 'markwright-trace.mjs'),
        '--target',
        `netns:${ns.name}`,
        '--match',
        'udp dport 5555',
        '--seconds',
        '120',
      ],
      { env: { ...process.env, MARKWRIGHT_TRACE_GUARD: join(dir, 'trace-guard.mjs') }, stdio: 'ignore' },
    );

  const exited = (child: ChildProcess) =>
    new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal })),
    );

  it('removes the trace rule when interrupted (SIGINT)', async () => {
    const child = startTrace();
    const done = exited(child);
    await waitFor(() => traceTables().length === 1, 20_000, 'the trace table');
    expect(traceTables()[0]).toContain(`markwright_trace_${child.pid}`);
    child.kill('SIGINT');
    expect(await done).toEqual({ code: 0, signal: null });
    expect(traceTables()).toEqual([]);
  }, 40_000);

  it('has its guard remove the trace rule when killed (SIGKILL)', async () => {
    const child = startTrace();
    const done = exited(child);
    await waitFor(() => traceTables().length === 1, 20_000, 'the trace table');
    child.kill('SIGKILL');
    expect((await done).signal).toBe('SIGKILL');
    await waitFor(() => traceTables().length === 0, 10_000, 'the guard to remove the trace table');
    expect(traceTables()).toEqual([]);
  }, 40_000);
});
