// One flow's private files: the app's database, and the state and root folders the deploy verbs write to
// instead of /var/lib/markwright and / (so nothing on this machine outside the temp folder is touched).

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppPlace } from './in-netns';

export interface Workspace {
  readonly dir: string;
  readonly dbPath: string;
  readonly stateDir: string;
  readonly rootDir: string;
  /** Where the app runs when not in the root namespace (a flow that reaches an SSH host in a lab). */
  readonly place?: AppPlace;
  dispose(): void;
}

export function createWorkspace(name: string, place?: AppPlace): Workspace {
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
    ...(place ? { place } : {}),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
