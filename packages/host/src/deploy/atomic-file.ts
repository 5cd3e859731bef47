import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';

/**
 * Write temp + rename, so a crash of this process leaves the old or the new file, never half. `durable` adds
 * fsync of the file and its directory, for files that must also survive a power loss.
 */
export function writeFileAtomic(
  path: string,
  text: string,
  mode = 0o644,
  syncDir = true,
  durable = true,
): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.tmp-${process.pid}`;
  const fd = openSync(temp, 'w', mode);
  try {
    writeSync(fd, text);
    if (durable) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
  if (syncDir && durable) syncDirectory(dirname(path));
}

/** Make renames in a directory durable. */
export function syncDirectory(path: string): void {
  const dir = openSync(path, 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

export function writeJsonAtomic(path: string, value: unknown, durable = true): void {
  writeFileAtomic(path, `${JSON.stringify(value)}\n`, 0o644, true, durable);
}

export function readJson<T>(path: string): T | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

export function removeFile(path: string): void {
  rmSync(path, { force: true });
}
