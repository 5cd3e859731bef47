import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserPage, browserSkip, closeBrowser, openPage } from '../../testing/browser-harness';

const skip = browserSkip('field inspector in Chromium');

const entry = fileURLToPath(new URL('../../testing/entries/inspector.entry.ts', import.meta.url));

describe.skipIf(skip)('field inspector in Chromium', () => {
  let bp: BrowserPage;
  const field = () =>
    bp.page.evaluate(() => (globalThis as unknown as { field(): { mask: number; name: string } }).field());
  beforeAll(async () => {
    bp = await openPage(entry);
  });
  afterAll(async () => {
    await bp?.close();
    await closeBrowser();
  });

  it('shows a value too large for the field next to that value, as it is typed', async () => {
    const { page } = bp;
    await page.getByTestId('value-number-1').fill('9');
    await expect
      .poll(() => page.getByTestId('value-number-1-error').textContent())
      .toBe('value 9 does not fit in the 2 bit(s) of "uplink" (0..3)');
    expect(await page.getByTestId('value-number-1').getAttribute('aria-invalid')).toBe('true');
    await page.getByTestId('value-number-1').fill('3');
    await expect.poll(() => page.getByTestId('value-number-1-error').count()).toBe(0);
  });

  it('explains a bad name', async () => {
    const { page } = bp;
    await page.getByTestId('field-name').fill('Up Link');
    await expect
      .poll(() => page.getByTestId('field-name-error').textContent())
      .toContain('must start with a-z');
    await page.getByTestId('field-name').fill('bulk');
    await expect
      .poll(() => page.getByTestId('field-name-error').textContent())
      .toBe('field name "bulk" is already used by layout.fields[0]');
    await page.getByTestId('field-name').fill('uplink');
    await expect.poll(() => page.getByTestId('field-name-error').count()).toBe(0);
  });

  it('moves the field by offset and reports an overlap with the other field', async () => {
    const { page } = bp;
    await page.getByTestId('field-offset').fill('25');
    await expect
      .poll(() => page.getByTestId('field-mask-error').textContent())
      .toBe('fields "bulk" and "uplink" overlap in fwmark bits 0x4000000');
    expect((await field()).mask).toBe(0x0600_0000);
    await page.getByTestId('field-offset').fill('24');
    await expect.poll(() => page.getByTestId('field-mask-error').count()).toBe(0);
  });

  it('keeps an impossible span as typed, with its error, without touching the field', async () => {
    const { page } = bp;
    await page.getByTestId('field-width').fill('9');
    await page.getByTestId('field-offset').fill('30');
    await expect
      .poll(() => page.getByTestId('field-span-error').textContent())
      .toBe('offset 30 + width 9 reaches past bit 31 (got 9)');
    expect((await field()).mask).toBe(0x0300_0000);
    await page.getByTestId('field-offset').fill('x');
    await expect
      .poll(() => page.getByTestId('field-span-error').textContent())
      .toBe('offset must be a bit index (got "x")');
    expect(bp.errors).toEqual([]);
  });
});
