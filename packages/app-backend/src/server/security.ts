// What every serve-mode response carries, and the checks a request must pass before it is routed.

import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** The page may load its own scripts, styles and images, and talk only to its own origin. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

/** Addresses serve mode may bind: loopback only, so nothing off this machine can reach it. */
export const LOOPBACK_HOSTS: readonly string[] = ['127.0.0.1'];

/**
 * Refuses requests a browser would send on behalf of another site or through DNS rebinding: the Host header
 * must name our loopback address and port, and an Origin, when sent, must be our own.
 * Returns the reason for refusal, or null.
 */
export function refusal(request: IncomingMessage, port: number): string | null {
  const allowedHosts = [`127.0.0.1:${port}`, `localhost:${port}`];
  const host = request.headers.host?.toLowerCase();
  if (!host || !allowedHosts.includes(host)) return `Host ${JSON.stringify(host ?? '')} is not this server`;
  const origin = request.headers.origin;
  if (origin !== undefined && !allowedHosts.map((h) => `http://${h}`).includes(origin.toLowerCase())) {
    return `Origin ${JSON.stringify(origin)} is not this server`;
  }
  if (request.headers['sec-fetch-site'] === 'cross-site') return 'cross-site requests are refused';
  return null;
}

/** Constant-time token comparison (hashing first makes the lengths equal, so length leaks nothing either). */
export function tokenMatches(given: string | string[] | undefined, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
