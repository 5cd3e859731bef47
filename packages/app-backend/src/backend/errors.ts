// One mapping from whatever a call threw to the ApiError the caller sees: typed causes keep their kind and field,
// anything unexpected becomes `internal` (with its message, never a stack).

import { ApiError, type ApiErrorKind } from '@markwright/api';
import {
  EnvironmentError,
  type ErrorKind,
  type ErrorShape,
  errorShapeOf,
  InputError,
} from '@markwright/core';
import type { z } from 'zod';
import { StoreError } from '../store/errors';

/** A JSON-path-like field name: `packets[0].saddr`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`))
    .join('');
}

export function fromZodError(error: z.ZodError): ApiError {
  const issue = error.issues[0];
  if (!issue) return new ApiError('invalid-input', 'the argument is not valid');
  const field = fieldPath(issue.path);
  return new ApiError(
    'invalid-input',
    field ? `${field}: ${issue.message}` : issue.message,
    field || undefined,
  );
}

/** The API's word for each kind of typed error (the API says `invalid-input` where the CLI says `input`). */
const API_KIND: Readonly<Record<ErrorKind, ApiErrorKind>> = {
  input: 'invalid-input',
  'not-found': 'not-found',
  'lock-held': 'lock-held',
  'not-authorised': 'not-authorised',
  environment: 'environment',
  'tool-failed': 'environment',
  internal: 'internal',
};

/** An error another process reported (`--json` stderr, the helper's answer) as the API error it is. */
export function fromErrorShape(shape: ErrorShape): ApiError {
  const kind = API_KIND[shape.kind];
  return new ApiError(kind, shape.message, shape.field ?? undefined);
}

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof InputError || error instanceof EnvironmentError)
    return fromErrorShape(errorShapeOf(error));
  if (error instanceof StoreError) {
    const kind =
      error.kind === 'not-found' ? 'not-found' : error.kind === 'conflict' ? 'conflict' : 'environment';
    return new ApiError(kind, error.message);
  }
  if (error instanceof Error && (error as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT')) {
    return new ApiError('conflict', error.message);
  }
  return new ApiError('internal', error instanceof Error ? error.message : String(error));
}
