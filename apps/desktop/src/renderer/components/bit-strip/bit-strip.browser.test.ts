import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserSkip, pageForSuite } from '../../testing/browser-harness';

const skip = browserSkip('bit strip in Chromium');

const entry = fileURLToPath(new URL('../../testing/entries/strip.entry.ts', import.meta.url));

/** Centre of a bit's cell in page coordinates. */
async function cellCentre(page: Page, bit: number): Promise<{ x: number; y: number }> {
  const box = await page.getByTestId(`bit-fwmark-${bit}`).boundingBox();
  if (!box) throw new Error(`bit ${bit} is not on screen`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

async function drag(page: Page, from: { x: number; y: number }, to: { x: number; y: number }): Promise<void> {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move((from.x + to.x) / 2, to.y, { steps: 3 });
  await page.mouse.move(to.x, to.y, { steps: 3 });
  await page.mouse.up();
}

const masks = (page: Page) => page.evaluate(() => (globalThis as unknown as { masks(): number[] }).masks());

describe.skipIf(skip)('bit strip in Chromium', () => {
  const bp = pageForSuite(entry);

  it('creates a field by dragging across free bits', async () => {
    const { page } = bp();
    await drag(page, await cellCentre(page, 7), await cellCentre(page, 4));
    expect(await masks(page)).toEqual([0xf0]);
    await expect.poll(() => page.getByTestId('field-span-f1').textContent()).toContain('f1');
  });

  it('resizes a field by dragging its low edge', async () => {
    const { page } = bp();
    const handle = page.getByTestId('bit-fwmark-4').locator('.handle.low');
    const box = (await handle.boundingBox())!;
    await drag(page, { x: box.x + box.width / 2, y: box.y + box.height / 2 }, await cellCentre(page, 2));
    expect(await masks(page)).toEqual([0xfc]);
  });

  it('moves a field by dragging its middle, keeping its width', async () => {
    const { page } = bp();
    await drag(page, await cellCentre(page, 5), await cellCentre(page, 9));
    expect(await masks(page)).toEqual([0xfc0]);
  });

  it('refuses a drag that would overlap another field and says why', async () => {
    const { page } = bp();
    await drag(page, await cellCentre(page, 1), await cellCentre(page, 0));
    expect(await masks(page)).toEqual([0xfc0, 0x3]);
    await drag(page, await cellCentre(page, 0), await cellCentre(page, 7));
    expect(await masks(page)).toEqual([0xfc0, 0x3]);
    await expect
      .poll(() => page.getByTestId('strip-message-fwmark').textContent())
      .toContain('Not placed: the field would overlap "f1"');
  });

  it('moves and resizes the selected field with the keyboard', async () => {
    const { page } = bp();
    await page.getByTestId('bit-fwmark-8').click();
    await page.getByTestId('strip-fwmark').focus();
    await page.keyboard.press('ArrowLeft');
    expect(await masks(page)).toEqual([0x1f80, 0x3]);
    await page.keyboard.press('Shift+ArrowLeft');
    expect(await masks(page)).toEqual([0x3f80, 0x3]);
    await page.keyboard.press('Alt+ArrowLeft');
    expect(await masks(page)).toEqual([0x3f00, 0x3]);
    for (let i = 0; i < 6; i++) await page.keyboard.press('ArrowRight');
    expect(await masks(page)).toEqual([0xfc, 0x3]);
    await page.keyboard.press('ArrowRight');
    expect(await masks(page)).toEqual([0xfc, 0x3]);
    await expect
      .poll(() => page.getByTestId('strip-message-fwmark').textContent())
      .toContain('Not moved: the field would overlap "f2"');
    expect(bp().errors).toEqual([]);
  });

  it('draws outside claims as marker rows and flags the field bits they hit', async () => {
    const { page } = bp();
    await page.evaluate(() => {
      const strip = (globalThis as unknown as { strip: { knownClaims: unknown; liveClaims: unknown } }).strip;
      strip.knownClaims = [{ label: 'kube-proxy', mask: 0x4000 | 0x80 }];
      strip.liveClaims = [{ label: 'live on netns:r', mask: 0x1 }];
    });
    await expect.poll(() => page.getByTestId('known-fwmark-14').count()).toBe(1);
    expect(await page.getByTestId('known-fwmark-13').count()).toBe(0);
    expect(await page.getByTestId('live-fwmark-0').getAttribute('title')).toBe('bit 0: live on netns:r');
    expect(await page.getByTestId('bit-fwmark-7').getAttribute('data-conflict')).toBe('true');
    expect(await page.getByTestId('bit-fwmark-14').getAttribute('data-conflict')).toBe('false');
    expect(await page.getByTestId('bit-fwmark-0').getAttribute('data-conflict')).toBe('true');
    expect(bp().errors).toEqual([]);
  });
});
