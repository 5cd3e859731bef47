// One mapping from whatever a call threw to the ApiError the caller sees: typed causes keep their kind and field,
// anything unexpected becomes `internal` (with its message, never a stack).

import { ApiError } from '@markwright/api';
import { InputError } from '@markwright/core';
import { EnvironmentError, NotAuthorisedError, ToolError } from '@markwright/host';
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

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof InputError) return new ApiError('invalid-input', error.message, error.field);
  if (error instanceof NotAuthorisedError) return new ApiError('not-authorised', error.message);
  if (error instanceof EnvironmentError || error instanceof ToolError)
    return new ApiError('environment', error.message);
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
