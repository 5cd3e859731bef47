// The serve-mode transport, client side: one POST per call to /api/<method> with the session token in a header.

import { apiFromSender } from './envelope';
import { ApiError, type MarkwrightApi } from './types';

export const TOKEN_HEADER = 'x-markwright-token';

export interface HttpApiOptions {
  /** Origin of the server, e.g. `http://127.0.0.1:4567`; empty for same-origin requests from the page. */
  readonly baseUrl: string;
  /** The session token, or a function giving it at call time (so a missing token fails the call, not the page). */
  readonly token: string | (() => string);
  readonly fetch?: typeof fetch;
}

export function createHttpApi(options: HttpApiOptions): MarkwrightApi {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  return apiFromSender(async (method, argument) => {
    const token = typeof options.token === 'function' ? options.token() : options.token;
    let response: Response;
    try {
      response = await doFetch(`${options.baseUrl}/api/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [TOKEN_HEADER]: token },
        body: JSON.stringify(argument),
      });
    } catch (error) {
      throw new ApiError('environment', `the Markwright server cannot be reached: ${String(error)}`);
    }
    const text = await response.text();
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new ApiError(
        response.status === 403 ? 'environment' : 'internal',
        `the server answered ${response.status}: ${text.slice(0, 200)}`,
      );
    }
  });
}
