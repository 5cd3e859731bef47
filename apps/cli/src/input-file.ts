import { readFileSync, type Stats, statSync } from 'node:fs';
import { InputError, parseJsonText } from '@markwright/core';

const KINDS: readonly [string, (s: Stats) => boolean][] = [
  ['a directory', (s) => s.isDirectory()],
  ['a named pipe (FIFO)', (s) => s.isFIFO()],
  ['a character device', (s) => s.isCharacterDevice()],
  ['a block device', (s) => s.isBlockDevice()],
  ['a socket', (s) => s.isSocket()],
];

/**
 * Read an input file as text. Only regular files are read (a FIFO or a device would block or never end); a
 * UTF-8 byte-order mark is dropped and UTF-16 (with its mark) is decoded, so positions count characters of
 * the text itself. A missing or unreadable file is an input error naming it.
 */
export function readTextFile(file: string): string {
  let bytes: Buffer;
  try {
    const stat = statSync(file);
    const kind = KINDS.find(([, test]) => test(stat))?.[0];
    if (kind) throw new InputError(file, file, `is ${kind}, not a regular file`);
    bytes = readFileSync(file);
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'is a directory'
            : (code ?? 'unreadable');
    throw new InputError(file, file, `cannot be read: ${why}`);
  }
  return decodeText(bytes, file);
}

/** Read a file as JSON; invalid JSON is an input error naming the file, line and column. */
export const readJsonFile = (file: string): unknown => parseJsonText(readTextFile(file), file);

/** Text of a file's bytes: UTF-8 (an optional mark dropped) or UTF-16 with its byte-order mark. */
export function decodeText(bytes: Uint8Array, source: string): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return utf8(bytes.subarray(3), source);
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  return utf8(bytes, source);
}

function utf8(bytes: Uint8Array, source: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const nul = bytes.indexOf(0);
    throw new InputError(
      source,
      null,
      nul >= 0 && nul < 4
        ? 'is not UTF-8 text (UTF-16 without a byte-order mark? save it as UTF-8)'
        : 'is not UTF-8 text',
    );
  }
}
