// Typed errors to and from their JSON form, so a failure keeps its kind and field across a process boundary
// (the CLI's `--json` stderr, the privileged helper's answers) and nobody matches message text.

import { AuthRefused, EnvironmentError, LockHeld, ToolFailed } from './environment';
import { InputError, NotFound } from './input';
import type { ErrorKind, ErrorReport, ErrorShape } from './shape';

const KINDS: readonly ErrorKind[] = [
  'input',
  'not-found',
  'environment',
  'lock-held',
  'not-authorised',
  'tool-failed',
  'internal',
];

/** A failure in another process that was not one of ours (a bug): kept as `internal`. */
export class InternalError extends Error {
  override readonly name = 'InternalError';
  readonly kind = 'internal';
}

export type TaggedError = InputError | EnvironmentError | InternalError;

/** The command-line contract: 1 when the input is wrong, 2 when the environment is (or for a bug). */
export function exitCodeOf(kind: ErrorKind): 1 | 2 {
  return kind === 'input' || kind === 'not-found' ? 1 : 2;
}

/** Control characters would let a message rewrite the terminal it is printed on: show them escaped. */
function oneLine(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters being escaped
  return text.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** What any thrown value looks like to another process: typed errors keep kind and field, the rest is internal. */
export function errorShapeOf(error: unknown): ErrorShape {
  if (error instanceof InputError)
    return { kind: error.kind, field: error.field, message: oneLine(error.message) };
  if (error instanceof EnvironmentError)
    return { kind: error.kind, field: error.field, message: oneLine(error.message) };
  const message = error instanceof Error ? error.message : String(error);
  return { kind: 'internal', field: null, message: oneLine(message) };
}

export function errorReport(error: unknown): ErrorReport {
  return { ok: false, error: errorShapeOf(error) };
}

/** The shape as data, or null when `value` is not one (checked field by field: it comes from another process). */
export function parseErrorShape(value: unknown): ErrorShape | null {
  if (typeof value !== 'object' || value === null) return null;
  const { kind, field, message } = value as Record<string, unknown>;
  if (typeof kind !== 'string' || !(KINDS as readonly string[]).includes(kind)) return null;
  if (typeof message !== 'string') return null;
  if (field !== null && field !== undefined && typeof field !== 'string') return null;
  return { kind: kind as ErrorKind, field: typeof field === 'string' ? field : null, message };
}

/** `{"ok":false,"error":{...}}` as printed by `--json`, or null when `text` holds none. */
export function parseErrorReport(text: string): ErrorShape | null {
  for (const line of text.trim().split('\n').reverse()) {
    if (!line.startsWith('{')) continue;
    try {
      const value = JSON.parse(line) as { ok?: unknown; error?: unknown };
      if (value.ok === false) return parseErrorShape(value.error);
    } catch {}
  }
  return null;
}

/** The typed error a shape describes, message unchanged. */
export function typedErrorFrom(shape: ErrorShape): TaggedError {
  const field = shape.field ?? '';
  const withMessage = <E extends Error>(error: E): E => {
    error.message = shape.message;
    return error;
  };
  switch (shape.kind) {
    case 'input':
      return withMessage(new InputError(field, null, ''));
    case 'not-found':
      return withMessage(new NotFound(field, null, ''));
    case 'lock-held':
      return new LockHeld(shape.message, shape.field);
    case 'not-authorised':
      return new AuthRefused(shape.message, shape.field);
    case 'environment':
      return new EnvironmentError(shape.message, shape.field);
    case 'tool-failed':
      return new ToolFailed(shape.message, shape.field);
    default:
      return new InternalError(shape.message);
  }
}
