import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleMain } from '../testing/cli-bundle';

const _cliRoot = resolve(import.meta.dirname, '../..');
let dir: string;
let bundle: string;
let renderer: string;

beforeAll(() => {
  ({ script: bundle, dir } = bundleMain());
  renderer = join(dir, 'renderer');
  mkdirSync(renderer);
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>Markwright</title>');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function serve(args: string[]): {
  child: ChildProcess;
  line: Promise<string>;
  exit: Promise<number | null>;
  stderr: () => string;
} {
  const child = spawn(process.execPath, [bundle, 'serve', ...args], {
    env: { ...process.env, MARKWRIGHT_RENDERER_DIR: renderer },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (c: Buffer) => {
    err += c.toString();
  });
  const line = new Promise<string>((done, fail) => {
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) done(out);
    });
    child.on('exit', () => fail(new Error(`serve exited: ${err}`)));
  });
  line.catch(() => {}); // runs that are expected to fail never print the line
  const exit = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
  return { child, line, exit, stderr: () => err };
}

describe('markwright serve', () => {
  it('prints one line with the URL and token, serves the page and the API, and stops on SIGTERM', async () => {
    const run = serve(['--port', '0', '--db', join(dir, 'a', 'app.db'), '--state-dir', join(dir, 'state')]);
    const out = await run.line;
    const match =
      /^Markwright is serving at (http:\/\/127\.0\.0\.1:(\d+))\/#token=([A-Za-z0-9_-]{43})\n$/.exec(out);
    expect(match, out).not.toBeNull();
    const [, origin, , token] = match!;
    const page = await fetch(`${origin}/`);
    expect(await page.text()).toContain('<title>Markwright</title>');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const call = (t: string) =>
      fetch(`${origin}/api/listLayouts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-markwright-token': t },
        body: 'null',
      });
    expect(await (await call(token!)).json()).toEqual({ ok: true, value: [] });
    expect((await call('wrong')).status).toBe(401);
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
  });

  it('refuses a damaged database with exit 2, leaving it untouched', async () => {
    const db = join(dir, 'damaged.db');
    writeFileSync(db, 'garbage'.repeat(500));
    const run = serve(['--db', db]);
    expect(await run.exit).toBe(2);
    expect(run.stderr()).toMatch(/damaged\.db is not a readable Markwright database/);
    expect(readFileSync(db, 'utf8')).toBe('garbage'.repeat(500));
  });

  it('on a busy port exits 2 naming it, before any database is created', async () => {
    const busy = createServer();
    await new Promise<void>((done) => busy.listen(0, '127.0.0.1', done));
    const port = (busy.address() as AddressInfo).port;
    const db = join(dir, 'never', 'app.db');
    try {
      const run = serve(['--port', String(port), '--db', db]);
      expect(await run.exit).toBe(2);
      expect(run.stderr()).toContain(`cannot listen on 127.0.0.1:${port}`);
      expect(existsSync(join(dir, 'never'))).toBe(false);
    } finally {
      busy.close();
    }
  });

  it('names a --db that is a folder, exit 2', async () => {
    const folder = join(dir, 'folder.db');
    mkdirSync(folder);
    const run = serve(['--port', '0', '--db', folder]);
    expect(await run.exit).toBe(2);
    expect(run.stderr()).toMatch(/folder\.db is not a regular file/);
  });

  it('refuses a bad port with exit 1 naming the option', async () => {
    const run = serve(['--port', 'eighty', '--db', join(dir, 'p.db')]);
    expect(await run.exit).toBe(1);
    expect(run.stderr()).toMatch(/--port: must be a port number 0-65535 \(got "eighty"\)/);
  });
});
