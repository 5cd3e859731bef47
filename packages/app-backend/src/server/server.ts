// Serve mode: the renderer and the MarkwrightApi over HTTP on 127.0.0.1, for a browser on this machine.
// Every request passes the Host/Origin checks before routing; every /api/ call needs the session token.

import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApiEnvelope, ApiErrorKind } from '@markwright/api';
import { TOKEN_HEADER } from '@markwright/api';
import type { Dispatch } from '../backend/dispatch';
import { LOOPBACK_HOSTS, refusal, SECURITY_HEADERS, tokenMatches } from './security';
import { staticFile } from './static';

export interface ServeOptions {
  readonly dispatch: Dispatch;
  /** Folder holding index.html and app.js. */
  readonly rendererDir: string;
  /** 0 picks a free port. */
  readonly port?: number;
  /** Only loopback addresses are accepted. */
  readonly host?: string;
  /** Defaults to 32 random bytes; tests may fix it. */
  readonly token?: string;
  /** Largest request body accepted, in bytes. */
  readonly maxBodyBytes?: number;
}

export interface RunningServer {
  readonly port: number;
  readonly token: string;
  /** `http://127.0.0.1:PORT/#token=...`: the fragment keeps the token out of requests and logs. */
  readonly url: string;
  readonly origin: string;
  close(): Promise<void>;
}

const STATUS: Readonly<Record<ApiErrorKind, number>> = {
  'invalid-input': 400,
  'not-found': 404,
  conflict: 409,
  'lock-held': 409,
  environment: 503,
  'not-authorised': 403,
  internal: 500,
};

function send(response: ServerResponse, status: number, body: string | Buffer, type: string): void {
  response.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': type,
    'Content-Length': Buffer.byteLength(body),
  });
  response.end(body);
}

function sendEnvelope(response: ServerResponse, status: number, envelope: ApiEnvelope): void {
  send(response, status, JSON.stringify(envelope), 'application/json; charset=utf-8');
}

function sendError(response: ServerResponse, status: number, kind: ApiErrorKind, message: string): void {
  sendEnvelope(response, status, { ok: false, error: { kind, message } });
}

function readBody(request: IncomingMessage, limit: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > limit) {
      resolve(null);
      request.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    request.on('data', (chunk: Buffer) => {
      if (tooLarge) return; // keep draining so the refusal can still be answered
      size += chunk.length;
      if (size > limit) {
        tooLarge = true;
        chunks.length = 0;
        resolve(null);
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      if (!tooLarge) resolve(Buffer.concat(chunks).toString('utf8'));
    });
    request.on('error', reject);
  });
}

async function handleApi(
  request: IncomingMessage,
  response: ServerResponse,
  method: string,
  options: ServeOptions,
  token: string,
) {
  if (request.method !== 'POST') {
    response.setHeader('Allow', 'POST');
    return sendError(response, 405, 'invalid-input', 'API calls are POST requests');
  }
  if (!tokenMatches(request.headers[TOKEN_HEADER], token)) {
    return sendError(response, 401, 'environment', 'missing or wrong session token');
  }
  if (!request.headers['content-type']?.startsWith('application/json')) {
    return sendError(response, 415, 'invalid-input', 'API calls send application/json');
  }
  const body = await readBody(request, options.maxBodyBytes ?? 16 * 1024 * 1024);
  if (body === null) return sendError(response, 413, 'invalid-input', 'request body too large');
  let argument: unknown;
  try {
    argument = body.length === 0 ? null : JSON.parse(body);
  } catch {
    return sendError(response, 400, 'invalid-input', 'request body is not JSON');
  }
  const envelope = await options.dispatch(method, argument);
  sendEnvelope(response, envelope.ok ? 200 : STATUS[envelope.error.kind], envelope);
}

async function handle(
  request: IncomingMessage,
  response: ServerResponse,
  options: ServeOptions,
  token: string,
  port: number,
) {
  const refused = refusal(request, port);
  if (refused) return send(response, 403, `Forbidden: ${refused}\n`, 'text/plain; charset=utf-8');
  const path = (request.url ?? '/').split('?')[0]!;
  const api = /^\/api\/([A-Za-z]+)$/.exec(path);
  if (api) return handleApi(request, response, api[1]!, options, token);
  if (path.startsWith('/api/')) return sendError(response, 404, 'not-found', 'no such API route');
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('Allow', 'GET, HEAD');
    return send(response, 405, 'Method not allowed\n', 'text/plain; charset=utf-8');
  }
  const file = await staticFile(options.rendererDir, path);
  // Browsers ask for an icon on their own; without one, answer empty rather than log a 404 on every load.
  if (!file && path === '/favicon.ico') return send(response, 204, '', 'image/x-icon');
  if (!file) return send(response, 404, 'Not found\n', 'text/plain; charset=utf-8');
  send(response, 200, request.method === 'HEAD' ? '' : file.body, file.type);
}

/** Starts serve mode. Refuses any bind address but loopback. */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK_HOSTS.includes(host)) {
    throw new Error(`serve mode binds to 127.0.0.1 only (asked for ${JSON.stringify(host)})`);
  }
  const token = options.token ?? randomBytes(32).toString('base64url');
  let port = 0;
  const server: Server = createServer((request, response) => {
    handle(request, response, options, token, port).catch(() => {
      if (!response.headersSent) sendError(response, 500, 'internal', 'the request could not be handled');
      else response.destroy();
    });
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 120_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  return {
    port,
    token,
    origin,
    url: `${origin}/#token=${token}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
