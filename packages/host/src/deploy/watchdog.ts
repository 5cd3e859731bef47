import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { setPriority } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EnvironmentError } from '../exec/errors';
import { toolPath } from '../exec/tool-path';
import type { Target } from '../types';
import type { WatchdogLauncher } from './context';
import type { Ownership } from './ownership';

/** Everything the watchdog process needs, passed as one JSON argument. */
export interface WatchdogArgs {
  readonly stateDir: string;
  readonly rootDir: string;
  readonly target: Target;
  readonly ownership: Ownership;
  readonly id: string;
  readonly deadline: string | null;
}

/**
 * The bundled watchdog (packages/host/dist/watchdog.mjs, built by build.mjs): next to this module when running
 * from sources, beside the bundle that includes us, or where MARKWRIGHT_WATCHDOG points.
 */
export function locateWatchdog(): string | null {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [
    process.env.MARKWRIGHT_WATCHDOG,
    join(here, '..', '..', 'dist', 'watchdog.mjs'),
    join(here, 'watchdog.mjs'),
    join(here, '..', 'watchdog.mjs'),
    join(here, '..', '..', 'packages', 'host', 'dist', 'watchdog.mjs'),
  ];
  for (const c of candidates) if (c && existsSync(c)) return resolve(c);
  return null;
}

/** The two ways a deadline is held; replaceable so tests can make either fail. */
export interface WatchdogStarters {
  /** Whether systemd is init (its transient timers survive this process and the helper). */
  systemdRuns(): boolean;
  /** A transient timer that runs argv after `seconds`; true when systemd accepted it. */
  systemdTimer(unit: string, seconds: number, argv: readonly string[]): boolean;
  /** A detached process in its own session (outlives the helper); its pid, or null when it could not start. */
  detached(argv: readonly string[]): number | null;
}

export const systemStarters: WatchdogStarters = {
  systemdRuns: () => existsSync('/run/systemd/system'),
  systemdTimer(unit, seconds, argv) {
    let systemdRun: string;
    try {
      systemdRun = toolPath('systemd-run');
    } catch {
      return false;
    }
    const result = spawnSync(
      systemdRun,
      ['--quiet', '--collect', `--unit=${unit}`, `--on-active=${seconds}`, '--', ...argv],
      { stdio: 'ignore' },
    );
    return result.status === 0;
  },
  detached(argv) {
    const env = { ...process.env };
    delete env.MARKWRIGHT_TEST_CRASH_AT;
    try {
      const child = spawn(argv[0]!, argv.slice(1), { detached: true, stdio: 'ignore', env });
      child.on('error', () => {});
      child.unref();
      // It mostly sleeps; starting it must not slow the apply it guards (it revives at full speed to revert).
      try {
        if (child.pid) setPriority(child.pid, 10);
      } catch {}
      return child.pid ?? null;
    } catch {
      return null;
    }
  },
};

function refuse(why: string): never {
  throw new EnvironmentError(
    `no revert watchdog could be started (${why}): refusing to apply with a confirm timeout, because nothing ` +
      'would revert it (--confirm-timeout 0 applies without one)',
  );
}

/**
 * Start what holds a deployment's deadline: a systemd transient timer where systemd is init, and a detached
 * root process (which also finishes an interrupted step). A deadline that neither can hold refuses the apply
 * before the kernel is touched; without a deadline a missing watchdog only loses crash recovery.
 */
export function watchdogLauncher(
  base: Omit<WatchdogArgs, 'id' | 'deadline'>,
  starters: WatchdogStarters = systemStarters,
  locate: () => string | null = locateWatchdog,
): WatchdogLauncher {
  return ({ id, deadline }) => {
    const script = locate();
    if (!script) {
      if (deadline) refuse('watchdog.mjs is not installed beside markwright');
      return null;
    }
    const argv = [process.execPath, script, JSON.stringify({ ...base, id, deadline } satisfies WatchdogArgs)];
    let timer = false;
    if (deadline && starters.systemdRuns()) {
      const seconds = Math.max(1, Math.ceil((Date.parse(deadline) - Date.now()) / 1000));
      timer = starters.systemdTimer(`markwright-revert-${id}`, seconds, argv);
    }
    const pid = starters.detached(argv);
    if (deadline && !timer && pid === null) refuse('neither a systemd timer nor a detached process started');
    return pid;
  };
}
