import { openRunner } from '../exec/open';
import type { Target } from '../types';
import type { DeployContext } from './context';
import { DEFAULT_OWNERSHIP, type Ownership } from './ownership';
import { DEFAULT_STATE_DIR, StateStore } from './state-store';
import { watchdogLauncher } from './watchdog';

export interface SessionOptions {
  readonly target: Target;
  readonly stateDir?: string;
  /** Root for persistence files; `/` on a real box. */
  readonly rootDir?: string;
  readonly ownership?: Ownership;
}

/** A ready DeployContext for the real box (run as root): runner, state store, watchdog launcher. */
export async function openSession(options: SessionOptions): Promise<DeployContext> {
  const runner = await openRunner(options.target);
  const stateDir = options.stateDir ?? DEFAULT_STATE_DIR;
  const rootDir = options.rootDir ?? '/';
  const ownership = options.ownership ?? DEFAULT_OWNERSHIP;
  const store = new StateStore(stateDir, options.target, ownership);
  store.ensure();
  return {
    runner,
    store,
    ownership,
    rootDir,
    now: () => new Date(),
    launchWatchdog: watchdogLauncher({ stateDir, rootDir, target: options.target, ownership }),
  };
}
