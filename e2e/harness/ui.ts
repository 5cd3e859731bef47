// Small steps the flows share, written against what the UI shows: test ids, roles and visible text.

import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { LauncherName } from './launcher';
import { resultsDir, screenshotsDir } from './paths';

export type ViewName = 'layouts' | 'designer' | 'policy' | 'simulator' | 'deploy';

/** How long a flow waits for the UI to show something before it fails. */
export const UI_TIMEOUT = 20_000;

export async function showView(page: Page, view: ViewName): Promise<void> {
  const tab = page.getByTestId(`tab-${view}`);
  await tab.click();
  await expect.poll(() => tab.getAttribute('aria-selected'), { timeout: UI_TIMEOUT }).toBe('true');
}

/** A locator's text, trimmed (it waits for the element like any locator action). */
export async function textOf(locator: Locator): Promise<string> {
  return ((await locator.textContent()) ?? '').trim();
}

/** Polls until the first element of `locator` exists and its text matches; returns that text. */
export async function waitForText(
  locator: Locator,
  expected: string | RegExp,
  timeout = UI_TIMEOUT,
): Promise<string> {
  await expect
    .poll(
      async () => {
        if ((await locator.count()) === 0) return '';
        return textOf(locator.first());
      },
      { timeout },
    )
    .toMatch(expected);
  return textOf(locator.first());
}

/** The designer's editable strip of one mark (the bench below it has a strip of its own). */
export const designerStrip = (page: Page, space: 'fwmark' | 'connmark'): Locator =>
  page.locator('mw-designer-view mw-bit-strip[mode="edit"]').getByTestId(`strip-${space}`);

/** Drags across the designer strip from one bit to another with the mouse, as a user creates or moves a field. */
export async function dragBits(
  page: Page,
  space: 'fwmark' | 'connmark',
  from: number,
  to: number,
): Promise<void> {
  const strip = designerStrip(page, space);
  const a = await strip.getByTestId(`bit-${space}-${from}`).boundingBox();
  const b = await strip.getByTestId(`bit-${space}-${to}`).boundingBox();
  if (!a || !b) throw new Error(`bits ${from} and ${to} of the ${space} strip are not visible`);
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 6 });
  await page.mouse.up();
}

/** Waits until no API call is in flight (the status line shows "working…" while one is). */
export async function waitIdle(page: Page): Promise<void> {
  await expect
    .poll(async () => (await textOf(page.getByTestId('status'))).includes('working…'), {
      timeout: 120_000,
    })
    .toBe(false);
}

/** Imports a document through the Layouts view's text box; the app opens it in the designer. */
export async function importDocument(page: Page, document: unknown, name?: string): Promise<void> {
  await showView(page, 'layouts');
  await page.getByTestId('import-text').fill(JSON.stringify(document, null, 2));
  if (name) await page.getByTestId('import-name').fill(name);
  await page.getByTestId('import').click();
  await waitForText(page.getByTestId('status'), /Imported|Opened/);
  await expect
    .poll(() => page.getByTestId('tab-designer').getAttribute('aria-selected'), { timeout: UI_TIMEOUT })
    .toBe('true');
}

/**
 * Views whose screenshots the README shows (copied to docs/screenshots when MARKWRIGHT_DOC_SCREENSHOTS=1), and
 * how much of the page each takes: the whole page (the designer's conflicts and bench and the deploy view's
 * history lie below the window), or down to the end of one element (the simulator's first packet).
 */
const DOC_SHOTS = new Map<string, { readonly until?: string }>([
  ['designer', {}],
  ['simulator', { until: 'packet-0' }],
  ['deploy', {}],
]);

/** Other shots that are read whole: the deploy view's history lies below the window. */
const WHOLE_PAGE = new Set(['deploy-reverted-by-verification']);

/** The part of the page a shot takes: the window, the whole page, or the page down to an element's end. */
async function shotArea(
  page: Page,
  name: string,
): Promise<{ fullPage: boolean; clip?: { x: number; y: number; width: number; height: number } }> {
  const shot = DOC_SHOTS.get(name);
  if (!shot) return { fullPage: WHOLE_PAGE.has(name) };
  if (!shot.until) return { fullPage: true };
  const box = await page.getByTestId(shot.until).boundingBox();
  if (!box) throw new Error(`the ${shot.until} the ${name} screenshot ends with is not shown`);
  const width = page.viewportSize()?.width ?? 1280;
  return { fullPage: true, clip: { x: 0, y: 0, width, height: Math.ceil(box.y + box.height + 12) } };
}

/**
 * Screenshots the window into e2e/results/<launcher>/<name>.png, from the top of the view (the last click may
 * have scrolled it), with no pointer hovering over it.
 */
export async function screenshot(page: Page, launcher: LauncherName, name: string): Promise<string> {
  const dir = join(resultsDir, launcher);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.png`);
  await page.mouse.move(0, 0);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: file, ...(await shotArea(page, name)) });
  if (
    launcher === 'chromium-serve' &&
    DOC_SHOTS.has(name) &&
    process.env.MARKWRIGHT_DOC_SCREENSHOTS === '1'
  ) {
    mkdirSync(screenshotsDir, { recursive: true });
    copyFileSync(file, join(screenshotsDir, `${name}.png`));
  }
  return file;
}

/** Drags a field's edge handle (on the cell at `bit`) to `toBit`, as a user resizes a field. */
export async function dragHandle(
  page: Page,
  space: 'fwmark' | 'connmark',
  bit: number,
  edge: 'low' | 'high',
  toBit: number,
): Promise<void> {
  const strip = designerStrip(page, space);
  const handle = await strip.getByTestId(`bit-${space}-${bit}`).locator(`.handle.${edge}`).boundingBox();
  const to = await strip.getByTestId(`bit-${space}-${toBit}`).boundingBox();
  if (!handle || !to)
    throw new Error(`the ${edge} handle at bit ${bit} of the ${space} strip is not visible`);
  await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
  await page.mouse.down();
  await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 6 });
  await page.mouse.up();
}
