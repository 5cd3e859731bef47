import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ApiError } from '@markwright/api';

const REPO_ROOT = resolve(import.meta.dirname, '../../../..');

/** One of the repository's example documents (`examples/NAME.json`), parsed, as the UI would send it. */
export const exampleDocument = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(REPO_ROOT, 'examples', `${name}.json`), 'utf8')) as Record<string, unknown>;

/** The ApiError a call fails with; anything else (success, another error) fails the test. */
export async function apiFailure(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected a failure');
}
