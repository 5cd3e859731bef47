// What travels over either transport: a result or a typed error, never a thrown exception (exceptions lose their
// kind and field crossing Electron's IPC and contextBridge, and HTTP has no exceptions at all).

import { API_METHODS, type ApiMethod } from './methods';
import { ApiError, type ApiErrorKind, type ApiErrorShape, type MarkwrightApi } from './types';

export type ApiEnvelope =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly error: ApiErrorShape };

const KINDS: readonly ApiErrorKind[] = [
  'invalid-input',
  'not-found',
  'conflict',
  'lock-held',
  'not-authorised',
  'environment',
  'internal',
];

/** The error an envelope carries, rebuilt as ApiError; anything malformed becomes an `internal` error. */
export function errorFromShape(shape: unknown): ApiError {
  if (shape && typeof shape === 'object') {
    const { kind, message, field } = shape as Record<string, unknown>;
    if (
      typeof kind === 'string' &&
      (KINDS as readonly string[]).includes(kind) &&
      typeof message === 'string'
    ) {
      return new ApiError(kind as ApiErrorKind, message, typeof field === 'string' ? field : undefined);
    }
  }
  return new ApiError('internal', 'the backend sent a malformed error');
}

export function unwrapEnvelope(envelope: unknown): unknown {
  if (envelope && typeof envelope === 'object' && 'ok' in envelope) {
    const env = envelope as { ok: unknown; value?: unknown; error?: unknown };
    if (env.ok === true) return env.value;
    if (env.ok === false) throw errorFromShape(env.error);
  }
  throw new ApiError('internal', 'the backend sent a malformed reply');
}

export function errorShape(error: ApiError): ApiErrorShape {
  return error.field === undefined
    ? { kind: error.kind, message: error.message }
    : { kind: error.kind, message: error.message, field: error.field };
}

/** A MarkwrightApi whose every method sends its one argument through `send` and unwraps the envelope. */
export function apiFromSender(
  send: (method: ApiMethod, argument: unknown) => Promise<unknown>,
): MarkwrightApi {
  const api: Record<string, (argument?: unknown) => Promise<unknown>> = {};
  for (const method of API_METHODS) {
    api[method] = async (argument?: unknown) => unwrapEnvelope(await send(method, argument ?? null));
  }
  return api as unknown as MarkwrightApi;
}
