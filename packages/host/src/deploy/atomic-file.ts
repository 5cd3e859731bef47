import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { CorruptStateError } from './state-errors';

// A planted link must never redirect a root write or read: temp files are created fresh (O_EXCL) under an
// unguessable name, and nothing here follows a symlink at the last path component.
const CREATE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
const READ_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW;

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
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.tmp-${process.pid}-${randomBytes(8).toString('hex')}`;
  const fd = openSync(temp, CREATE_FLAGS, mode);
  try {
    writeSync(fd, text);
    if (durable) fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
  closeSync(fd);
  renameSync(temp, path);
  if (syncDir && durable) syncDirectory(dirname(path));
}

/** Make renames in a directory durable. */
export function syncDirectory(path: string): void {
  const dir = openSync(path, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

export function writeJsonAtomic(path: string, value: unknown, durable = true): void {
  writeFileAtomic(path, `${JSON.stringify(value)}\n`, 0o600, true, durable);
}

/** A file's text, or null when it does not exist; a symlink in its place is refused, naming the file. */
export function readTextNoFollow(path: string): string | null {
  let fd: number;
  try {
    fd = openSync(path, READ_FLAGS);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    if (code === 'ELOOP') throw new CorruptStateError(path, 'is a symbolic link; refusing to follow it');
    throw new CorruptStateError(path, `cannot be read (${code ?? String(error)})`);
  }
  try {
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

/**
 * Parsed JSON, or null when the file does not exist. A file that is not JSON is a CorruptStateError naming
 * it; its content is never echoed (it may be anything a link pointed at).
 */
export function readJson(path: string): unknown {
  const text = readTextNoFollow(path);
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new CorruptStateError(path, 'is not valid JSON');
  }
}

export function removeFile(path: string): void {
  rmSync(path, { force: true });
}
