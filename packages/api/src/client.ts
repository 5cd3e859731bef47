// The renderer's way to the backend. In the Electron window the preload exposes `window.markwright` (one function
// per method, each resolving to an envelope); in serve mode the page calls the loopback HTTP API with the session
// token the URL fragment carried (fragments never reach a server or its logs).

import { apiFromSender } from './envelope';
import { createHttpApi } from './http-client';
import type { ApiMethod } from './methods';
import { ApiError, type MarkwrightApi } from './types';

/** What the preload puts on `window.markwright`: every method returns the transport envelope. */
export type PreloadBridge = Record<ApiMethod, (argument: unknown) => Promise<unknown>>;

const TOKEN_KEY = 'markwright.token';

let cached: MarkwrightApi | undefined;

/** The backend, whichever shell the page runs in. */
export function getApi(): MarkwrightApi {
  if (cached) return cached;
  const bridge = (globalThis as { markwright?: PreloadBridge }).markwright;
  cached = bridge ? apiFromBridge(bridge) : createHttpApi({ baseUrl: '', token: readToken });
  return cached;
}

/** The API over the preload's bridge: envelopes unwrapped, errors rebuilt as ApiError (kind and field kept). */
export function apiFromBridge(bridge: PreloadBridge): MarkwrightApi {
  return apiFromSender((method, argument) => bridge[method](argument));
}

/** True inside the Electron window, where the preload carries every call and no token is needed. */
export function hasBridge(): boolean {
  return Boolean((globalThis as { markwright?: PreloadBridge }).markwright);
}

/** Whether a serve-mode call would have a token: one in the address (`#token=...`) or kept for this tab. */
export function hasToken(): boolean {
  if (TOKEN_IN_HASH.test(globalThis.location?.hash ?? '')) return true;
  return Boolean(globalThis.sessionStorage?.getItem(TOKEN_KEY));
}

/** Whether the address carries a token now (a URL pasted into the open tab changes only the fragment). */
export function tokenInAddress(): boolean {
  return TOKEN_IN_HASH.test(globalThis.location?.hash ?? '');
}

const TOKEN_IN_HASH = /^#token=([A-Za-z0-9_-]+)$/;

/** The serve-mode token: taken from `#token=...` once (then removed from the address bar), kept for the tab. */
export function readToken(): string {
  const match = TOKEN_IN_HASH.exec(globalThis.location?.hash ?? '');
  if (match?.[1]) {
    globalThis.sessionStorage?.setItem(TOKEN_KEY, match[1]);
    globalThis.history?.replaceState(null, '', `${location.pathname}${location.search}`);
    return match[1];
  }
  const kept = globalThis.sessionStorage?.getItem(TOKEN_KEY);
  if (kept) return kept;
  throw new ApiError('environment', 'no session token: open the address `markwright serve` printed');
}
