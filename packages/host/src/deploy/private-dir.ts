import { lstatSync, mkdirSync } from 'node:fs';
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
  if (!runningAsRoot()) return;
  const st = lstatSync(dir);
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
