import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { layoutRows, openTestBackend, type TestBackend } from '../testing/backend-fixture';
import { sampleDocument } from '../testing/fake-tools';
import { type RunningServer, startServer } from './server';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw request, so the test controls every header (fetch would fix Host and Origin itself). */
function send(
  server: RunningServer,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: server.port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: { host: `127.0.0.1:${server.port}`, ...options.headers },
      },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => {
          body += chunk.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const json = { 'content-type': 'application/json' };

describe('serve mode security', () => {
  let fixture: TestBackend;
  let server: RunningServer;
  let renderer: string;
  let createBody: string;
  beforeAll(async () => {
    fixture = openTestBackend();
    renderer = mkdtempSync(join(tmpdir(), 'mw-renderer-'));
    writeFileSync(
      join(renderer, 'index.html'),
      '<!doctype html><script type="module" src="app.js"></script>',
    );
    writeFileSync(join(renderer, 'app.js'), 'export {};');
    mkdirSync(join(renderer, 'assets'));
    writeFileSync(join(renderer, '..', 'secret.txt'), 'outside');
    server = await startServer({ dispatch: fixture.backend.dispatch, rendererDir: renderer, port: 0 });
    createBody = JSON.stringify({ name: 'x', document: sampleDocument('x') });
  });
  afterAll(async () => {
    await server.close();
    fixture.cleanup();
    rmSync(renderer, { recursive: true, force: true });
    rmSync(join(renderer, '..', 'secret.txt'), { force: true });
  });

  const auth = () => ({ ...json, 'x-markwright-token': server.token });

  it('prints a loopback URL with a 256-bit token in the fragment', () => {
    expect(server.url).toMatch(
      new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/#token=[A-Za-z0-9_-]{43}$`),
    );
  });

  it('runs a call that carries the token', async () => {
    const reply = await send(server, {
      method: 'POST',
      path: '/api/listLayouts',
      headers: auth(),
      body: 'null',
    });
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({ ok: true, value: [] });
  });

  it('refuses a call without a token, changing nothing', async () => {
    const reply = await send(server, {
      method: 'POST',
      path: '/api/createLayout',
      headers: json,
      body: createBody,
    });
    expect(reply.status).toBe(401);
    expect(JSON.parse(reply.body).error.message).toMatch(/session token/);
    expect(layoutRows(fixture.backend)).toBe(0);
  });

  it('refuses a wrong token, including one that differs only at the end', async () => {
    const almost = `${server.token.slice(0, -1)}${server.token.endsWith('A') ? 'B' : 'A'}`;
    for (const token of ['nope', almost, `${server.token}x`, '']) {
      const reply = await send(server, {
        method: 'POST',
        path: '/api/createLayout',
        headers: { ...json, 'x-markwright-token': token },
        body: createBody,
      });
      expect(reply.status).toBe(401);
    }
    expect(layoutRows(fixture.backend)).toBe(0);
  });

  it('refuses a foreign Host (DNS rebinding) before routing, even with the token', async () => {
    for (const host of [
      'evil.example:80',
      `evil.example:${server.port}`,
      `127.0.0.1:${server.port + 1}`,
      '127.0.0.1',
    ]) {
      const api = await send(server, {
        method: 'POST',
        path: '/api/createLayout',
        headers: { ...auth(), host },
        body: createBody,
      });
      expect(api.status).toBe(403);
      const page = await send(server, { path: '/', headers: { host } });
      expect(page.status).toBe(403);
      expect(page.body).not.toContain('<script');
    }
    expect(layoutRows(fixture.backend)).toBe(0);
  });

  it('accepts localhost:PORT as the Host', async () => {
    const reply = await send(server, { path: '/', headers: { host: `localhost:${server.port}` } });
    expect(reply.status).toBe(200);
  });

  it('refuses a foreign Origin, even with the token', async () => {
    for (const origin of ['https://evil.example', `http://127.0.0.1:${server.port + 1}`, 'null']) {
      const reply = await send(server, {
        method: 'POST',
        path: '/api/createLayout',
        headers: { ...auth(), origin },
        body: createBody,
      });
      expect(reply.status).toBe(403);
    }
    const cross = await send(server, {
      method: 'POST',
      path: '/api/createLayout',
      headers: { ...auth(), 'sec-fetch-site': 'cross-site' },
      body: createBody,
    });
    expect(cross.status).toBe(403);
    expect(layoutRows(fixture.backend)).toBe(0);
    const own = await send(server, {
      method: 'POST',
      path: '/api/listLayouts',
      headers: { ...auth(), origin: server.origin },
      body: '{}',
    });
    expect(own.status).toBe(200);
  });

  it('refuses to bind anything but loopback', async () => {
    for (const host of ['0.0.0.0', '::', '192.0.2.1']) {
      await expect(
        startServer({ dispatch: fixture.backend.dispatch, rendererDir: renderer, host }),
      ).rejects.toThrow(/127\.0\.0\.1 only/);
    }
  });

  it('sends the CSP and nosniff on pages, files, API replies and refusals', async () => {
    const replies = [
      await send(server, { path: '/' }),
      await send(server, { path: '/app.js' }),
      await send(server, { method: 'POST', path: '/api/listLayouts', headers: auth(), body: 'null' }),
      await send(server, { path: '/', headers: { host: 'evil.example' } }),
      await send(server, { path: '/missing.js' }),
    ];
    for (const reply of replies) {
      expect(reply.headers['content-security-policy']).toContain("default-src 'self'; script-src 'self'");
      expect(reply.headers['x-content-type-options']).toBe('nosniff');
    }
    expect(replies[0]!.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(replies[1]!.headers['content-type']).toBe('text/javascript; charset=utf-8');
  });

  it("answers the browser's own icon request without a 404", async () => {
    expect((await send(server, { path: '/favicon.ico' })).status).toBe(204);
  });

  it('serves nothing outside the renderer folder', async () => {
    for (const path of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/assets',
      '/%00',
    ]) {
      const reply = await send(server, { path });
      expect(reply.status).toBe(404);
      expect(reply.body).not.toContain('outside');
    }
  });

  it('limits body size, insists on POST and JSON, and names unknown methods', async () => {
    const huge = await send(server, {
      method: 'POST',
      path: '/api/importDocument',
      headers: auth(),
      body: JSON.stringify({ text: 'x'.repeat(17 * 1024 * 1024) }),
    });
    expect(huge.status).toBe(413);
    expect((await send(server, { path: '/api/listLayouts', headers: auth() })).status).toBe(405);
    const form = await send(server, {
      method: 'POST',
      path: '/api/listLayouts',
      headers: { ...auth(), 'content-type': 'text/plain' },
      body: 'null',
    });
    expect(form.status).toBe(415);
    const bad = await send(server, { method: 'POST', path: '/api/listLayouts', headers: auth(), body: '{' });
    expect(bad.status).toBe(400);
    const unknown = await send(server, {
      method: 'POST',
      path: '/api/dropTables',
      headers: auth(),
      body: 'null',
    });
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body).error).toEqual({
      kind: 'not-found',
      message: 'no API method named "dropTables"',
    });
  });
});
