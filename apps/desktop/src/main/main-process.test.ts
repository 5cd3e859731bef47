import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApiEnvelope } from '@markwright/api/envelope';
import { API_METHODS, ipcChannel } from '@markwright/api/methods';
import { sampleDocument } from '@markwright/app-backend/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fake, ipcRenderer, preventable } from '../testing/fake-electron';
import { type DesktopOptions, startDesktop } from './app';
import { dbArgument } from './args';
import { isTrustedFrame } from './security';

vi.mock('electron', () => import('../testing/fake-electron'));

let dir: string;
let options: DesktopOptions;
beforeEach(() => {
  fake.reset();
  dir = mkdtempSync(join(tmpdir(), 'mw-main-'));
  const rendererDir = join(dir, 'renderer');
  writeFileSync(join(dir, 'secret'), 'outside');
  mkdirSync(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Markwright</title>');
  options = {
    dbPath: join(dir, 'markwright.db'),
    rendererDir,
    preloadPath: join(dir, 'preload.cjs'),
    cliPath: join(dir, 'markwright.mjs'),
  };
});
afterEach(() => {
  fake.reset();
  rmSync(dir, { recursive: true, force: true });
});

async function started() {
  const backend = await startDesktop(options);
  if (!backend) throw new Error('the app did not start');
  return backend;
}

describe('Electron main process', () => {
  it('enables the sandbox and registers the app:// scheme before the app is ready', async () => {
    const backend = await started();
    const ready = fake.calls.indexOf('app.whenReady');
    expect(fake.calls.indexOf('app.enableSandbox')).toBeLessThan(ready);
    expect(fake.calls.indexOf('protocol.registerSchemesAsPrivileged')).toBeLessThan(ready);
    expect(fake.calls.indexOf('protocol.handle:app')).toBeGreaterThan(ready);
    expect(fake.schemes).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true } }]);
    backend.close();
  });

  it('opens one window with the hardened web preferences, loading our own page only', async () => {
    const backend = await started();
    expect(fake.windows).toHaveLength(1);
    const window = fake.windows[0]!;
    expect(window.options.webPreferences).toMatchObject({
      preload: options.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(window.loadedUrl).toBe('app://markwright/index.html');
    window.emit('ready-to-show');
    expect(window.shown).toBe(true);
    backend.close();
  });

  it('denies navigation, redirects, webviews and new windows', async () => {
    const backend = await started();
    const contents = fake.windows[0]!.webContents;
    for (const event of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
      const attempt = preventable('https://evil.example/');
      contents.emit(event, attempt);
      expect(attempt.defaultPrevented, event).toBe(true);
    }
    expect(contents.windowOpenHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    backend.close();
  });

  it('denies every permission and every request that is not our own scheme', async () => {
    const backend = await started();
    const answers: boolean[] = [];
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read']) {
      fake.permissionRequest?.({}, permission, (ok) => answers.push(ok));
    }
    expect(answers).toEqual([false, false, false, false]);
    expect(fake.permissionCheck?.({}, 'media')).toBe(false);
    const verdict = (url: string) => {
      let cancel: boolean | undefined;
      fake.beforeRequest?.({ url }, (r) => {
        cancel = r.cancel;
      });
      return cancel;
    };
    expect(verdict('app://markwright/app.js')).toBe(false);
    expect(verdict('https://cdn.example/lit.js')).toBe(true);
    expect(verdict('http://127.0.0.1:8080/')).toBe(true);
    expect(verdict('file:///etc/passwd')).toBe(true);
    expect(verdict('app://other/index.html')).toBe(true);
    backend.close();
  });

  it('serves the renderer over app:// with the strict CSP, and nothing outside it', async () => {
    const backend = await started();
    const handler = fake.protocolHandlers.get('app')!;
    const page = await handler(new Request('app://markwright/index.html'));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Markwright</title>');
    expect(page.headers.get('content-security-policy')).toMatch(
      /^default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'/,
    );
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    for (const url of [
      'app://markwright/../secret',
      'app://markwright/%2e%2e/secret',
      'app://elsewhere/index.html',
    ]) {
      const reply = await handler(new Request(url));
      expect(reply.status, url).toBe(404);
      expect(await reply.text()).not.toContain('outside');
    }
    backend.close();
  });

  it('registers one IPC channel per API method', async () => {
    const backend = await started();
    expect([...fake.handlers.keys()].sort()).toEqual(API_METHODS.map(ipcChannel).sort());
    expect([...fake.handlers.keys()].every((c) => c.startsWith('markwright:'))).toBe(true);
    backend.close();
  });

  it('refuses messages from an iframe, another origin or a gone frame before anything runs', async () => {
    const backend = await started();
    const create = () =>
      ipcRenderer.invoke(ipcChannel('createLayout'), {
        name: 'x',
        document: sampleDocument('x'),
      }) as Promise<ApiEnvelope>;
    const top = { url: 'app://markwright/index.html', parent: null };
    for (const frame of [
      { url: 'app://markwright/index.html', parent: top },
      { url: 'https://evil.example/', parent: null },
      { url: 'file:///tmp/page.html', parent: null },
      { url: 'app://other/index.html', parent: null },
      null,
    ]) {
      fake.senderFrame = frame;
      const reply = await create();
      expect(reply).toMatchObject({ ok: false, error: { kind: 'environment' } });
    }
    expect(backend.store.listLayouts()).toEqual([]);
    fake.senderFrame = top;
    expect(await create()).toMatchObject({ ok: true, value: { name: 'x' } });
    backend.close();
  });

  it('reports an unusable database in a dialog, exits with 2 and leaves the file alone', async () => {
    writeFileSync(options.dbPath, 'not a database at all'.repeat(64));
    const before = readFileSync(options.dbPath);
    expect(await startDesktop(options)).toBeNull();
    expect(fake.exitCode).toBe(2);
    expect(fake.errorBoxes[0]?.content).toMatch(/not a readable Markwright database/);
    expect(fake.windows).toHaveLength(0);
    expect(readFileSync(options.dbPath).equals(before)).toBe(true);
  });

  it('quits when the window closes and closes the store on quit', async () => {
    const backend = await started();
    const { app } = await import('../testing/fake-electron');
    app.emit('window-all-closed');
    expect(fake.calls).toContain('app.quit');
    app.emit('will-quit');
    expect(backend.store.db.open).toBe(false);
    expect(fake.handlers.size).toBe(0);
  });
});

describe('main-process helpers', () => {
  it('trusts only the top frame of app://markwright', () => {
    expect(isTrustedFrame({ url: 'app://markwright/index.html', parent: null } as never)).toBe(true);
    expect(isTrustedFrame({ url: 'not a url', parent: null } as never)).toBe(false);
    expect(isTrustedFrame(null)).toBe(false);
  });

  it('reads --db from the command line', () => {
    expect(dbArgument(['electron', 'main.cjs', '--db', '/tmp/a.db'])).toBe('/tmp/a.db');
    expect(dbArgument(['electron', 'main.cjs', '--db=/tmp/b.db'])).toBe('/tmp/b.db');
    expect(dbArgument(['electron', 'main.cjs'])).toBeUndefined();
  });
});
