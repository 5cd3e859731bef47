// The helper's loop: one request line in, one response line out, in order, until stdin closes. Errors become
// typed responses; nothing the caller sends can make it run anything but the verbs in the protocol.

import type { Readable, Writable } from 'node:stream';
import { errorShapeOf, InputError } from '@markwright/core';
import { HELPER_HELLO, type HelperResponse, MAX_REQUEST_BYTES, parseRequest } from './protocol';
import { runVerb, type SessionOpener } from './verbs';

/** The error with its kind and field (lock held, not found, ...), so the caller rebuilds the same typed error. */
function errorResponse(id: number, error: unknown): HelperResponse {
  const shape = errorShapeOf(error);
  return { id, ok: false, error: { ...shape, message: shape.message.slice(0, 4000) } };
}

/** Answer one raw line (already split); never throws. */
export async function answer(line: string, open: SessionOpener, rootDir = '/'): Promise<HelperResponse> {
  let id = -1;
  try {
    const raw = JSON.parse(line) as unknown;
    const maybeId = (raw as { id?: unknown } | null)?.id;
    if (Number.isSafeInteger(maybeId)) id = maybeId as number;
    const request = parseRequest(raw);
    return { id, ok: true, result: await runVerb(request, open, undefined, rootDir) };
  } catch (error) {
    if (error instanceof SyntaxError)
      return errorResponse(id, new InputError('request', line.slice(0, 40), 'is not JSON'));
    return errorResponse(id, error);
  }
}

/** Serve requests from `input` until it ends; resolves when the last answer is written. */
export function serveHelper(
  input: Readable,
  output: Writable,
  open: SessionOpener,
  /** The persistence root (the helper's fixed one, or MARKWRIGHT_ROOT_DIR where allowed). */
  rootDir = '/',
): Promise<void> {
  const write = (value: unknown) => output.write(`${JSON.stringify(value)}\n`);
  write(HELPER_HELLO);
  let buffered = '';
  let queue = Promise.resolve();
  return new Promise((resolve) => {
    input.setEncoding('utf8');
    input.on('data', (chunk: string) => {
      buffered += chunk;
      let newline = buffered.indexOf('\n');
      while (newline >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        if (line.trim() !== '') queue = queue.then(async () => void write(await answer(line, open, rootDir)));
        newline = buffered.indexOf('\n');
      }
      if (buffered.length > MAX_REQUEST_BYTES) {
        buffered = '';
        queue = queue.then(
          () =>
            void write(
              errorResponse(-1, new InputError('request', null, `is longer than ${MAX_REQUEST_BYTES} bytes`)),
            ),
        );
      }
    });
    input.on('end', () => {
      queue.then(() => resolve());
    });
  });
}
