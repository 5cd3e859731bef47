import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Backend, createBackend } from '../backend/index';
import { FakeHost } from './fake-host';
import { fakeTools } from './fake-tools';

export interface TestBackend {
  readonly backend: Backend;
  readonly host: FakeHost;
  readonly dbPath: string;
  cleanup(): void;
}

/** A backend on a fresh temp database with the fake host and document tools. */
export function openTestBackend(): TestBackend {
  const dir = mkdtempSync(join(tmpdir(), 'mw-backend-'));
  const dbPath = join(dir, 'markwright.db');
  const host = new FakeHost();
  const backend = createBackend({ dbPath, host, tools: fakeTools });
  return {
    backend,
    host,
    dbPath,
    cleanup: () => {
      backend.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function layoutRows(backend: Backend): number {
  return (backend.store.db.prepare('SELECT count(*) AS n FROM layouts').get() as { n: number }).n;
}
