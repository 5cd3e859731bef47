// Component tests in a real browser: bundles an entry module with esbuild and loads it into a blank page of
// headless Debian Chromium driven by playwright-core. Skips (with the reason) when Chromium is not installed.

import { existsSync } from 'node:fs';
import { environmentSkip } from '@markwright/testkit';
import { build } from 'esbuild';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';

export const CHROMIUM = '/usr/bin/chromium';

/** Skip `what` unless Debian Chromium is installed (a failure under MARKWRIGHT_STRICT=1). */
export const browserSkip = (what: string): string | null =>
  environmentSkip(
    what,
    existsSync(CHROMIUM) ? null : `browser component tests need Debian Chromium at ${CHROMIUM}`,
  );

export async function bundle(entry: string): Promise<string> {
  const out = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    logLevel: 'silent',
  });
  return out.outputFiles[0]!.text;
}

export interface BrowserPage {
  readonly page: Page;
  /** Errors the page threw or logged; a test checks it is empty. */
  readonly errors: string[];
  /** Every network request the page made after loading (the app may only talk to its own backend). */
  readonly requests: string[];
  close(): Promise<void>;
}

let shared: Browser | undefined;

export async function openPage(entry: string): Promise<BrowserPage> {
  shared ??= await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = await shared.newPage({ viewport: { width: 1280, height: 800 } });
  // Fail at the locator that does not appear, well before the test's own timeout.
  page.setDefaultTimeout(5000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.setContent('<!doctype html><html><body></body></html>');
  await page.addScriptTag({ content: await bundle(entry), type: 'module' });
  await page.waitForFunction(() => (globalThis as { ready?: boolean }).ready === true);
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  return { page, errors, requests, close: () => page.close() };
}

export async function closeBrowser(): Promise<void> {
  await shared?.close();
  shared = undefined;
}

/** Opens `entry` before the suite's tests and closes it (and the browser) after; tests read the page through it. */
export function pageForSuite(entry: string): () => BrowserPage {
  let opened: BrowserPage | undefined;
  beforeAll(async () => {
    opened = await openPage(entry);
  });
  afterAll(async () => {
    await opened?.close();
    await closeBrowser();
  });
  return () => {
    if (!opened) throw new Error(`${entry} is not open`);
    return opened;
  };
}

/** Switches the app to `view` by its tab and waits until the tab says it is selected. */
export async function showView(page: Page, view: string): Promise<void> {
  await page.getByTestId(`tab-${view}`).click();
  await expect.poll(() => page.getByTestId(`tab-${view}`).getAttribute('aria-selected')).toBe('true');
}
