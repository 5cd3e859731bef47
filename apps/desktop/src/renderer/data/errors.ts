import { ApiError } from '@markwright/api/types';

/** A failure as one line for the status bar: the API's message, with the field it names. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    // Messages from the host often name the field already; say it once.
    const named = !error.field || error.message.startsWith(`${error.field}:`);
    return named ? error.message : `${error.field}: ${error.message}`;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}
