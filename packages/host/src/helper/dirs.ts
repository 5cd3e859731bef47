// The helper's folders are fixed: /var/lib/markwright for state and / for persistence. Only root can move them,
// with a root-owned file beside the helper (the test suite keeps its deployments in private folders that way),
// or, when root starts the helper itself rather than through pkexec, with MARKWRIGHT_STATE_DIR/ROOT_DIR.

import { lstatSync, mkdirSync, readFileSync, type Stats } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { DEFAULT_STATE_DIR } from '../deploy/state-store';
import { EnvironmentError } from '../exec/errors';

export interface HelperDirs {
  readonly stateDir: string;
  readonly rootDir: string;
}

/** Name of the optional override file in the helper's own folder. */
export const DIRS_FILE = 'helper-dirs.json';

function statOf(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
}

/** Root-owned, not a symlink, and nobody else may write it (0700 for the state dir: nobody else may read). */
export function checkRootOwned(path: string, what: string, privateDir: boolean, uid = 0): void {
  const st = statOf(path);
  if (!st) throw new EnvironmentError(`${what} ${path} does not exist`);
  if (st.isSymbolicLink()) throw new EnvironmentError(`${what} ${path} is a symbolic link`);
  if (st.uid !== uid) throw new EnvironmentError(`${what} ${path} is not owned by root (uid ${st.uid})`);
  const forbidden = privateDir ? 0o077 : 0o022;
  if ((st.mode & forbidden) !== 0) {
    throw new EnvironmentError(
      `${what} ${path} has mode ${(st.mode & 0o777).toString(8)}; it must not be ${privateDir ? 'accessible' : 'writable'} by group or others`,
    );
  }
}

function absoluteDir(field: string, value: unknown, source: string): string {
  if (typeof value !== 'string' || !isAbsolute(value) || value.includes('\0'))
    throw new EnvironmentError(`${source}: ${field} must be an absolute path (got ${JSON.stringify(value)})`);
  return value;
}

function fromFile(helperDir: string): Partial<HelperDirs> {
  const file = join(helperDir, DIRS_FILE);
  if (!statOf(file)) return {};
  checkRootOwned(file, 'helper folder file', false);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new EnvironmentError(`${file}: not JSON (${(error as Error).message})`);
  }
  const o = (raw ?? {}) as Record<string, unknown>;
  return {
    ...(o.stateDir === undefined ? {} : { stateDir: absoluteDir('stateDir', o.stateDir, file) }),
    ...(o.rootDir === undefined ? {} : { rootDir: absoluteDir('rootDir', o.rootDir, file) }),
  };
}

/**
 * The folders this helper process uses. `env` counts only when root started the helper itself: pkexec builds a
 * fresh environment and always sets PKEXEC_UID, so a user elevating through polkit cannot choose them.
 */
export function resolveHelperDirs(helperFile: string, env: NodeJS.ProcessEnv): HelperDirs {
  const file = fromFile(dirname(helperFile));
  const byRoot = env.PKEXEC_UID === undefined;
  const envState =
    byRoot && env.MARKWRIGHT_STATE_DIR
      ? absoluteDir('MARKWRIGHT_STATE_DIR', env.MARKWRIGHT_STATE_DIR, 'environment')
      : undefined;
  const envRoot =
    byRoot && env.MARKWRIGHT_ROOT_DIR
      ? absoluteDir('MARKWRIGHT_ROOT_DIR', env.MARKWRIGHT_ROOT_DIR, 'environment')
      : undefined;
  return {
    stateDir: envState ?? file.stateDir ?? DEFAULT_STATE_DIR,
    rootDir: envRoot ?? file.rootDir ?? '/',
  };
}

/** Create the state folder 0700 if missing, then refuse it unless it is root's alone. */
export function prepareHelperDirs(dirs: HelperDirs): void {
  if (!statOf(dirs.stateDir)) {
    try {
      mkdirSync(dirs.stateDir, { recursive: true, mode: 0o700 });
    } catch (error) {
      throw new EnvironmentError(`cannot create state dir ${dirs.stateDir}: ${(error as Error).message}`);
    }
  }
  checkRootOwned(dirs.stateDir, 'state dir', true);
  checkRootOwned(dirs.rootDir, 'persistence root', false);
}
