import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { setPriority } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Elevation } from '../exec/runner';
import type { Target } from '../types';
import type { WatchdogLauncher } from './context';
import type { Ownership } from './ownership';

/** Everything the watchdog process needs, passed as one JSON argument. */
export interface WatchdogArgs {
  readonly stateDir: string;
  readonly rootDir: string;
  readonly target: Target;
  readonly ownership: Ownership;
  readonly elevation: Elevation;
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
    join(here, '..', '..', 'packages', 'host', 'dist', 'watchdog.mjs'),
  ];
  for (const c of candidates) if (c && existsSync(c)) return resolve(c);
  return null;
}

const systemdIsInit = (): boolean => existsSync('/run/systemd/system');

/**
 * Start a detached watchdog that outlives this process (stdio ignored, own session). Where systemd is init,
 * a transient timer also fires at the deadline, so even a killed watchdog cannot leave a deadline unheld.
 */
export function watchdogLauncher(base: Omit<WatchdogArgs, 'id' | 'deadline'>): WatchdogLauncher {
  return ({ id, deadline }) => {
    const script = locateWatchdog();
    if (!script) return null;
    const env = { ...process.env };
    delete env.MARKWRIGHT_TEST_CRASH_AT;
    const arg = JSON.stringify({ ...base, id, deadline } satisfies WatchdogArgs);
    const child = spawn(process.execPath, [script, arg], { detached: true, stdio: 'ignore', env });
    child.unref();
    // It mostly sleeps; starting it must not slow the apply it guards (it revives at full speed to revert).
    try {
      if (child.pid) setPriority(child.pid, 10);
    } catch {}
    if (deadline && systemdIsInit()) {
      const seconds = Math.max(1, Math.ceil((Date.parse(deadline) - Date.now()) / 1000));
      spawnSync(
        'systemd-run',
        [
          '--quiet',
          '--collect',
          `--unit=markwright-revert-${id}`,
          `--on-active=${seconds}`,
          '--',
          process.execPath,
          script,
          arg,
        ],
        { stdio: 'ignore' },
      );
    }
    return child.pid ?? null;
  };
}
