import { lstatSync, mkdirSync, type Stats } from 'node:fs';
import { EnvironmentError } from '../exec/errors';

const runningAsRoot = (): boolean => process.getuid?.() === 0;

/**
 * Create `dir` (0700) if needed and, when running as root, refuse it unless it is a real directory owned by root
 * that nobody else can write: root follows what it finds there, so another user must not be able to plant it.
 */
export function ensurePrivateDir(dir: string, what: string, mode = 0o700): void {
  try {
    mkdirSync(dir, { recursive: true, mode });
  } catch (error) {
    throw new EnvironmentError(`cannot create ${what} ${dir}: ${(error as Error).message}`);
  }
  checkPrivateDir(dir, what);
}

/** The checks of `ensurePrivateDir` on a directory that may not exist yet (nothing to refuse then). */
export function checkPrivateDir(dir: string, what: string): void {
  if (!runningAsRoot()) return;
  let st: Stats;
  try {
    st = lstatSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new EnvironmentError(`cannot read ${what} ${dir}: ${(error as Error).message}`);
  }
  if (st.isSymbolicLink())
    throw new EnvironmentError(`${what} ${dir} is a symbolic link; refusing to use it`);
  if (!st.isDirectory()) throw new EnvironmentError(`${what} ${dir} is not a directory`);
  if (st.uid !== 0)
    throw new EnvironmentError(`${what} ${dir} is owned by uid ${st.uid}, not root; refusing to use it`);
  if ((st.mode & 0o022) !== 0) {
    throw new EnvironmentError(
      `${what} ${dir} is writable by group or others (mode ${(st.mode & 0o777).toString(8)}); run chmod go-w on it`,
    );
  }
}
