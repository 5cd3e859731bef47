import { ApiError } from '@markwright/api/types';

/** A failure as one line for the status bar: the API's message, with the field it names. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) return error.field ? `${error.field}: ${error.message}` : error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}
