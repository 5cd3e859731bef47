import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EnvironmentError } from '../exec/errors';
import { FakeKernel } from '../testing/fake-kernel';
import type { DeployContext } from './context';
import { apply } from './operations';
import { DEFAULT_OWNERSHIP, EMPTY_STATE, wrapTableBody } from './ownership';
import { StateStore } from './state-store';
import { type WatchdogStarters, watchdogLauncher } from './watchdog';

interface Calls {
  timers: { unit: string; seconds: number; argv: readonly string[] }[];
  detached: (readonly string[])[];
}

function starters(systemd: boolean, timerOk: boolean, pid: number | null, calls: Calls): WatchdogStarters {
  return {
    systemdRuns: () => systemd,
    systemdTimer: (unit, seconds, argv) => {
      calls.timers.push({ unit, seconds, argv });
      return timerOk;
    },
    detached: (argv) => {
      calls.detached.push(argv);
      return pid;
    },
  };
}

describe('revert watchdog launcher', () => {
  let dir: string;
  let calls: Calls;
  const saved = process.env.MARKWRIGHT_WATCHDOG;
  const base = () => ({
    stateDir: join(dir, 'state'),
    rootDir: join(dir, 'root'),
    target: { kind: 'netns', name: 'n1' } as const,
    ownership: DEFAULT_OWNERSHIP,
  });
  const deadline = () => new Date(Date.now() + 30_000).toISOString();

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mw-watchdog-'));
    writeFileSync(join(dir, 'watchdog.mjs'), '');
    process.env.MARKWRIGHT_WATCHDOG = join(dir, 'watchdog.mjs');
    calls = { timers: [], detached: [] };
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.MARKWRIGHT_WATCHDOG;
    else process.env.MARKWRIGHT_WATCHDOG = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  it('holds a deadline with a systemd transient timer where systemd runs, and a detached root process', () => {
    const launch = watchdogLauncher(base(), starters(true, true, 4242, calls));
    expect(launch({ id: 'd1', deadline: deadline() })).toBe(4242);
    expect(calls.timers).toHaveLength(1);
    expect(calls.timers[0]!.unit).toBe('markwright-revert-d1');
    expect(calls.timers[0]!.seconds).toBeGreaterThan(25);
    // Both run Node on the watchdog by absolute paths, with the arguments as one JSON value.
    expect(calls.timers[0]!.argv[0]).toBe(process.execPath);
    expect(JSON.parse(calls.detached[0]![2]!)).toMatchObject({ id: 'd1', target: { name: 'n1' } });
  });

  it('without systemd the detached root process alone holds the deadline', () => {
    const launch = watchdogLauncher(base(), starters(false, true, 77, calls));
    expect(launch({ id: 'd2', deadline: deadline() })).toBe(77);
    expect(calls.timers).toEqual([]);
  });

  it('a systemd timer alone is enough when the detached process cannot start', () => {
    const launch = watchdogLauncher(base(), starters(true, true, null, calls));
    expect(launch({ id: 'd3', deadline: deadline() })).toBeNull();
  });

  it('refuses a deadline that neither a timer nor a process can hold', () => {
    for (const systemd of [true, false]) {
      const launch = watchdogLauncher(base(), starters(systemd, false, null, calls));
      expect(() => launch({ id: 'd4', deadline: deadline() })).toThrow(EnvironmentError);
      expect(() => launch({ id: 'd4', deadline: deadline() })).toThrow(
        /refusing to apply with a confirm timeout/,
      );
    }
  });

  it('refuses a deadline when the watchdog script is not installed, but not an apply without one', () => {
    const launch = watchdogLauncher(base(), starters(true, true, 1, calls), () => null);
    expect(() => launch({ id: 'd5', deadline: deadline() })).toThrow(/watchdog\.mjs is not installed/);
    expect(launch({ id: 'd5', deadline: null })).toBeNull();
  });

  it('an apply whose deadline cannot be held changes nothing in the kernel and leaves no journal', async () => {
    const kernel = new FakeKernel();
    const ctx: DeployContext = {
      runner: kernel.runner,
      store: new StateStore(join(dir, 'state'), { kind: 'local' }),
      ownership: DEFAULT_OWNERSHIP,
      rootDir: join(dir, 'root'),
      now: () => new Date(),
      launchWatchdog: watchdogLauncher(base(), starters(false, false, null, calls)),
    };
    ctx.store.ensure();
    const wanted = {
      ...EMPTY_STATE,
      nftScript: wrapTableBody('table inet markwright {\n\tchain output {\n\t\tmeta mark set 0x1\n\t}\n}\n'),
      ipRules: { v4: ['priority 10100 from all fwmark 0x1 lookup 100 proto 77'], v6: [] },
    };
    const input = { wanted, document: '/d.json', documentName: 'd', confirmTimeout: 30 };
    await expect(apply(ctx, input)).rejects.toThrow(/no revert watchdog could be started/);
    expect(kernel.rules.v4).toEqual([]);
    expect(ctx.store.journal()).toBeNull();
    expect(ctx.store.pending()).toBeNull();
    // Without a confirm timeout there is nothing to revert: the same box applies.
    await apply(ctx, { ...input, confirmTimeout: 0 });
    expect(kernel.rules.v4).toEqual(wanted.ipRules.v4);
  });
});
