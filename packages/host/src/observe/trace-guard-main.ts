// Entry point of the trace guard: a detached process that removes a trace table when the trace that added it is
// gone (killed with SIGKILL, or crashed) or its time has passed. Bundled by build.mjs to dist/trace-guard.mjs.

import { isAlive } from '../deploy/state-store';
import { createSystemRunner } from '../exec/runner';
import type { TraceGuardArgs } from './trace-guard';
import { removeArgv } from './trace-table';

const POLL_MS = 200;
const TABLE_CHECK_EVERY = 10;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2] ?? '{}') as TraceGuardArgs;
  const runner = createSystemRunner(args.target);
  for (let tick = 1; ; tick++) {
    await sleep(POLL_MS);
    if (!isAlive(args.owner) || Date.now() / 1000 > args.until) {
      await runner.run(removeArgv(args.table), { allowFail: true });
      return;
    }
    if (tick % TABLE_CHECK_EVERY === 0) {
      // The trace removed its table itself: nothing left to guard.
      const listed = await runner.run(['nft', 'list', 'table', 'inet', args.table], { allowFail: true });
      if (listed.code !== 0) return;
    }
  }
}

main().then(
  () => process.exit(0),
  () => process.exit(1),
);
