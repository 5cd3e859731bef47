import type { Runner } from '../exec/runner';
import type { OwnedState } from '../types';
import type { Ownership } from './ownership';
import type { StateStore } from './state-store';

/** Starts the process that holds a deployment's deadline and finishes an interrupted step. */
export type WatchdogLauncher = (args: { id: string; deadline: string | null }) => number | null;

/** What every deploy operation works with; the kernel, disk, clock and watchdog all come in from outside. */
export interface DeployContext {
  readonly runner: Runner;
  readonly store: StateStore;
  readonly ownership: Ownership;
  /** Root of the persistence files (`/` on a real box). */
  readonly rootDir: string;
  readonly now: () => Date;
  readonly launchWatchdog: WatchdogLauncher;
}

export type { OwnedState };
