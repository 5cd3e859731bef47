// One flow's private files: the app's database, and the state and root folders the deploy verbs write to
// instead of /var/lib/markwright and / (so nothing on this machine outside the temp folder is touched).

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Workspace {
  readonly dir: string;
  readonly dbPath: string;
  readonly stateDir: string;
  readonly rootDir: string;
  dispose(): void;
}

export function createWorkspace(name: string): Workspace {
  const dir = mkdtempSync(join(tmpdir(), `markwright-e2e-${name}-`));
  const stateDir = join(dir, 'state');
  const rootDir = join(dir, 'root');
  // The privileged helper keeps state only in a folder that is root's alone.
  mkdirSync(stateDir, { mode: 0o700 });
  mkdirSync(rootDir);
  return {
    dir,
    dbPath: join(dir, 'markwright.db'),
    stateDir,
    rootDir,
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
