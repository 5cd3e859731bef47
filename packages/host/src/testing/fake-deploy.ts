import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeployContext } from '../deploy/context';
import { DEFAULT_OWNERSHIP } from '../deploy/ownership';
import { StateStore } from '../deploy/state-store';
import { FakeKernel } from './fake-kernel';

/** A deploy context on a fake kernel, a temp state folder and root, and a clock the test moves. */
export interface FakeDeploy {
  readonly dir: string;
  readonly kernel: FakeKernel;
  readonly ctx: DeployContext;
  /** Watchdogs the operations asked for (none is started). */
  readonly launched: { id: string; deadline: string | null }[];
  /** Milliseconds since the epoch; every read of the context's clock advances it by one. */
  clock: number;
  cleanup(): void;
}

export function openFakeDeploy(prefix: string): FakeDeploy {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const kernel = new FakeKernel();
  const launched: FakeDeploy['launched'] = [];
  const fake: FakeDeploy = {
    dir,
    kernel,
    launched,
    clock: Date.parse('2026-01-01T00:00:00Z'),
    ctx: {
      runner: kernel.runner,
      store: new StateStore(join(dir, 'state'), { kind: 'local' }),
      ownership: DEFAULT_OWNERSHIP,
      rootDir: join(dir, 'root'),
      now: () => new Date(fake.clock++),
      launchWatchdog: (a) => {
        launched.push(a);
        return null;
      },
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
  return fake;
}
