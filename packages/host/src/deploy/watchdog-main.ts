// Entry point of the detached watchdog process: holds a deployment's confirmation deadline and finishes or
// undoes a step whose process died. Bundled by build.mjs to dist/watchdog.mjs.

import { appendFileSync } from 'node:fs';
import { setPriority } from 'node:os';
import { join } from 'node:path';
import { LockHeld } from '../exec/errors';
import { createSystemRunner } from '../exec/runner';
import type { DeployContext } from './context';
import { locked, revertPending } from './operations';
import { isSameProcess } from './process-identity';
import { StateStore } from './state-store';
import type { WatchdogArgs } from './watchdog';

const POLL_MS = 200;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2] ?? '{}') as WatchdogArgs;
  const ctx: DeployContext = {
    runner: createSystemRunner(args.target),
    store: new StateStore(args.stateDir, args.target, args.ownership),
    ownership: args.ownership,
    rootDir: args.rootDir,
    now: () => new Date(),
    launchWatchdog: () => null,
  };
  const giveUpAt = (args.deadline ? Date.parse(args.deadline) : Date.now()) + 3_600_000;
  while (Date.now() < giveUpAt) {
    await sleep(POLL_MS);
    const journal = ctx.store.journal();
    if (journal && !isSameProcess(journal.pid, journal.pidStart)) {
      // The step's process died: recovery (inside locked) finishes or undoes it.
      if (await tryLocked(ctx, async () => {})) continue;
    }
    const record = ctx.store.deployment(args.id);
    const pending = ctx.store.pending();
    const inFlight = journal?.deploymentId === args.id;
    if (!inFlight && (record?.outcome !== 'pending' || pending?.id !== args.id)) return;
    if (pending?.id === args.id && args.deadline && Date.now() >= Date.parse(args.deadline)) {
      try {
        setPriority(0);
      } catch {}
      if (await tryLocked(ctx, () => revertPending(ctx, args.id))) return;
    }
  }
}

/** Run under the lock; false when another live process holds it (try again on the next tick). */
async function tryLocked(ctx: DeployContext, fn: () => Promise<void>): Promise<boolean> {
  try {
    await locked(ctx, fn);
    return true;
  } catch (error) {
    if (error instanceof LockHeld) return false;
    throw error;
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    // Nobody sees our stdio: leave the reason where `status` users and admins look (the target's state dir).
    try {
      const args = JSON.parse(process.argv[2] ?? '{}') as WatchdogArgs;
      const store = new StateStore(args.stateDir, args.target, args.ownership);
      appendFileSync(
        join(store.dir, 'watchdog.log'),
        `${new Date().toISOString()} ${args.id}: ${String(error)}\n`,
      );
    } catch {}
    process.exit(1);
  },
);
