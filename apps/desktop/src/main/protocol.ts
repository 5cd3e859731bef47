// The renderer is served from `app://markwright/` out of dist/renderer, with the same CSP and headers as serve
// mode; nothing is loaded from file:// (whose origin would cover the whole disk) or the network.

import { SECURITY_HEADERS, staticFile } from '@markwright/app-backend/server';
import { protocol } from 'electron';
import { APP_HOST, APP_SCHEME } from './security';

/** Must run before the app is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true } },
  ]);
}

export async function rendererResponse(rendererDir: string, request: Request): Promise<Response> {
  const url = new URL(request.url);
  const plain = { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' };
  if (url.host !== APP_HOST) return new Response('Not found\n', { status: 404, headers: plain });
  if (request.method !== 'GET') return new Response('Method not allowed\n', { status: 405, headers: plain });
  const file = await staticFile(rendererDir, url.pathname);
  if (!file) return new Response('Not found\n', { status: 404, headers: plain });
  return new Response(new Uint8Array(file.body), {
    status: 200,
    headers: { ...SECURITY_HEADERS, 'Content-Type': file.type },
  });
}

/** Must run once the app is ready. */
export function serveRenderer(rendererDir: string): void {
  protocol.handle(APP_SCHEME, (request) => rendererResponse(rendererDir, request));
}
