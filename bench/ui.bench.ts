// The desktop UI in serve mode, in headless Debian Chromium:
//  1. first render: navigation to the designer's fwmark strip drawn with the layout's fields (median of runs),
//     against an empty page's load in the same browser;
//  2. repaint: a bit toggled in the encode/decode strip and a field moved with the keyboard on the designer's
//     strip, from the input event to the strip updated and laid out, against an empty task in the same page;
//     the wait for the next frame is printed too.
// Targets: first render < 1 s, repaint < 16 ms.

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Page } from 'playwright-core';

const root = resolve(import.meta.dirname, '..');
const CHROMIUM = '/usr/bin/chromium';
const RENDER_RUNS = 9;
const REPAINT_RUNS = 60;
const cli = join(root, 'apps/cli/dist/markwright.mjs');
const rendererBundle = join(root, 'apps/desktop/dist/renderer/app.js');

if (!existsSync(CHROMIUM)) {
  console.log(`skipped: the UI bench needs Debian Chromium at ${CHROMIUM}`);
  process.exit(0);
}

function buildIfMissing(file: string, dir: string): void {
  if (existsSync(file)) return;
  const run = spawnSync('node', ['build.mjs'], { cwd: join(root, dir), stdio: 'inherit' });
  if (run.status !== 0) throw new Error(`building ${dir} failed`);
}
buildIfMissing(rendererBundle, 'apps/desktop');
buildIfMissing(cli, 'apps/cli');

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const p95 = (xs: number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))]!;
const f = (n: number): string => n.toFixed(2);

async function startServe(dir: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [cli, 'serve', '--port', '0', '--db', join(dir, 'ui.db'), '--state-dir', join(dir, 'state')],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const url = await new Promise<string>((ok, fail) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /Markwright is serving at (\S+)/.exec(out);
      if (m) ok(m[1]!);
    });
    child.on('exit', (code) => fail(new Error(`serve exited with ${code}`)));
    setTimeout(() => fail(new Error('serve did not start in 20 s')), 20_000);
  });
  return { url, child };
}

async function importExample(url: string): Promise<void> {
  const origin = new URL(url).origin;
  const token = /#token=(.+)$/.exec(url)![1]!;
  const text = readFileSync(join(root, 'examples/edge-router.json'), 'utf8');
  const res = await fetch(`${origin}/api/importDocument`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-markwright-token': token, origin },
    body: JSON.stringify({ text }),
  });
  if (!res.ok) throw new Error(`import failed: ${res.status} ${await res.text()}`);
}

/** An empty page with a script, served from loopback like the app: the baseline for a first render. */
async function startEmptyServer(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    if (req.url?.startsWith('/empty.js')) {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end('globalThis.loaded = performance.now();');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(
      '<!doctype html><html><head><script type="module" src="/empty.js"></script></head><body></body></html>',
    );
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

/** In-page time from navigation start until the designer's fwmark strip shows the layout's fields. */
async function designerFirstRender(page: Page, url: string): Promise<number> {
  const deep = url.replace('/#', '/?view=designer#');
  await page.goto(deep);
  const handle = await page.waitForFunction(
    () => {
      const app = document.querySelector('mw-app');
      const designer = app?.shadowRoot?.querySelector('mw-designer-view');
      const strip = designer?.shadowRoot?.querySelector('mw-bit-strip');
      const owned = strip?.shadowRoot?.querySelector('.cell.owned');
      return owned ? performance.now() : false;
    },
    undefined,
    { polling: 'raf', timeout: 20_000 },
  );
  return (await handle.jsonValue()) as number;
}

async function emptyLoad(page: Page, url: string): Promise<number> {
  await page.goto(url);
  const handle = await page.waitForFunction(
    () => (globalThis as { loaded?: number }).loaded ?? false,
    undefined,
    {
      polling: 'raf',
    },
  );
  return (await handle.jsonValue()) as number;
}

interface RepaintFigures {
  readonly update: number[];
  readonly frame: number[];
}

/**
 * Runs in the page: `runs` times, fires the input on the target, waits for the strip's update, forces layout
 * (what the next paint needs), then waits for the frame. `kind` picks the input.
 */
async function repaint(page: Page, kind: 'toggle' | 'move' | 'empty', runs: number): Promise<RepaintFigures> {
  return page.evaluate(
    async ({ kind, runs }) => {
      const shadow = (el: Element | null | undefined) => el?.shadowRoot ?? null;
      const designer = shadow(document.querySelector('mw-app'))?.querySelector('mw-designer-view');
      const bench = shadow(designer)?.querySelector('mw-mark-bench');
      const benchStrip = shadow(bench)?.querySelector('mw-bit-strip') as
        | (HTMLElement & { updateComplete: Promise<unknown> })
        | null;
      const designStrip = shadow(designer)?.querySelector('mw-bit-strip') as
        | (HTMLElement & { updateComplete: Promise<unknown> })
        | null;
      if (!benchStrip || !designStrip) throw new Error('designer not rendered');
      const nextFrame = () => new Promise<void>((ok) => requestAnimationFrame(() => ok()));
      const update: number[] = [];
      const frame: number[] = [];
      for (let i = 0; i < runs; i++) {
        await nextFrame();
        const t0 = performance.now();
        if (kind === 'toggle') {
          const cell = shadow(benchStrip)!.querySelector(`[data-bit="${i % 32}"]`)!;
          cell.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true, composed: true, button: 0 }));
          await (bench as unknown as { updateComplete: Promise<unknown> }).updateComplete;
          await benchStrip.updateComplete;
          benchStrip.shadowRoot!.querySelector('.strip')!.getBoundingClientRect();
          const shown = benchStrip.shadowRoot!.querySelector(`[data-bit="${i % 32}"]`)!.textContent!.trim();
          if (shown !== String(Math.floor(i / 32) % 2 === 0 ? 1 : 0))
            throw new Error(`bit ${i % 32} did not flip`);
        } else if (kind === 'move') {
          const key = i % 2 === 0 ? 'ArrowLeft' : 'ArrowRight';
          shadow(designStrip)!
            .querySelector('.strip')!
            .dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, composed: true }));
          await (designer as unknown as { updateComplete: Promise<unknown> }).updateComplete;
          await designStrip.updateComplete;
          designStrip.shadowRoot!.querySelector('.strip')!.getBoundingClientRect();
          // The field must really have moved (a refused move would measure nothing).
          const high = Number(
            designStrip.shadowRoot!.querySelector('.cell.selected')?.getAttribute('data-bit'),
          );
          if (high !== (i % 2 === 0 ? 28 : 27)) throw new Error(`field did not move (at bit ${high})`);
        } else {
          await Promise.resolve();
          document.body.getBoundingClientRect();
        }
        const t1 = performance.now();
        await nextFrame();
        const t2 = performance.now();
        update.push(t1 - t0);
        frame.push(t2 - t0);
      }
      return { update, frame };
    },
    { kind, runs },
  );
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'mw-ui-bench-'));
  const serve = await startServe(dir);
  const empty = await startEmptyServer();
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    await importExample(serve.url);
    const renders: number[] = [];
    const baselines: number[] = [];
    for (let i = 0; i < RENDER_RUNS; i++) {
      // A fresh context per run: nothing cached from the run before.
      const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await ctx.newPage();
      baselines.push(await emptyLoad(page, empty.url));
      await ctx.close();
      const ctx2 = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page2 = await ctx2.newPage();
      renders.push(await designerFirstRender(page2, serve.url));
      await ctx2.close();
    }
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    // tsx keeps function names with a `__name` helper; the page's copy of our measuring code needs it too.
    await ctx.addInitScript('globalThis.__name = (fn) => fn;');
    const page = await ctx.newPage();
    await designerFirstRender(page, serve.url);
    // Select a field on the designer strip so arrows move it.
    await page.getByTestId('field-chip-interactive').click();
    const emptyTask = await repaint(page, 'empty', REPAINT_RUNS);
    const toggle = await repaint(page, 'toggle', REPAINT_RUNS);
    const move = await repaint(page, 'move', REPAINT_RUNS);
    await ctx.close();

    const render = median(renders);
    const base = median(baselines);
    console.log(
      `first render of the designer (serve mode, Chromium, edge-router example, median of ${RENDER_RUNS})`,
    );
    console.log(`  designer strip drawn      ${f(render)} ms after navigation start (target < 1000 ms)`);
    console.log(`  empty page loaded         ${f(base)} ms (baseline)`);
    console.log(`  ratio                     ${f(render / base)}x the empty page`);
    console.log(`repaint of a strip (median / p95 of ${REPAINT_RUNS}, target < 16 ms for update + layout)`);
    for (const [name, r] of [
      ['bit toggle (bench strip)', toggle],
      ['field move (arrow key)  ', move],
      ['empty task (baseline)   ', emptyTask],
    ] as const) {
      console.log(
        `  ${name}  update+layout ${f(median(r.update))} / ${f(p95(r.update))} ms   to next frame ${f(median(r.frame))} / ${f(p95(r.frame))} ms`,
      );
    }
    console.log(
      `  ratio to the empty frame   toggle ${f(median(toggle.frame) / median(emptyTask.frame))}x   move ${f(median(move.frame) / median(emptyTask.frame))}x`,
    );
    const ok = render < 1000 && median(toggle.update) < 16 && median(move.update) < 16;
    console.log(ok ? 'targets met' : 'TARGETS MISSED');
  } finally {
    await browser.close();
    serve.child.kill('SIGTERM');
    empty.server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
