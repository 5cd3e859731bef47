import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserSkip, pageForSuite } from '../testing/browser-harness';

const skip = browserSkip('app flows on an in-memory backend in Chromium');

const entry = fileURLToPath(new URL('../testing/entries/app.entry.ts', import.meta.url));
const inDb = (page: Page) =>
  page.evaluate(() => (globalThis as unknown as { layoutsInDb(): Promise<string[]> }).layoutsInDb());

async function dragBits(page: Page, space: string, from: number, to: number): Promise<void> {
  const a = (await page.getByTestId(`bit-${space}-${from}`).first().boundingBox())!;
  const b = (await page.getByTestId(`bit-${space}-${to}`).first().boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 4 });
  await page.mouse.up();
}

describe.skipIf(skip)('app flows on an in-memory backend in Chromium', () => {
  const bp = pageForSuite(entry);

  it('creates a layout, designs a field by dragging and saves it', async () => {
    const { page } = bp();
    await page.getByTestId('new-layout-name').fill('edge');
    await page.getByTestId('create-layout').click();
    await expect.poll(() => page.getByTestId('save-state').textContent()).toBe('Saved');
    const strip = page.getByTestId('strip-fwmark').first();
    await strip.waitFor();
    await dragBits(page, 'fwmark', 25, 24);
    await page.getByTestId('field-name').fill('uplink');
    await page.getByTestId('field-kind').selectOption('enum');
    await page.getByTestId('value-add').click();
    await page.getByTestId('value-add').click();
    await page.getByTestId('value-name-0').fill('isp1');
    await page.getByTestId('value-name-1').fill('isp2');
    await expect.poll(() => page.getByTestId('save-state').textContent()).toBe('Unsaved changes');
    await page.getByTestId('save').click();
    await expect.poll(() => page.getByTestId('save-state').textContent()).toBe('Saved');
    expect(await inDb(page)).toEqual(['edge@2']);
    await expect.poll(() => page.getByTestId('open-version').textContent()).toBe('v2');
  });

  it('refuses to save overlapping fields and a value too large, with the errors next to the inputs', async () => {
    const { page } = bp();
    await page.getByTestId('add-fwmark').click();
    await page.getByTestId('field-offset').fill('24');
    await expect
      .poll(() => page.getByTestId('field-mask-error').textContent())
      .toContain('"uplink" and "field2" overlap in fwmark bits 0x1000000');
    expect(await page.getByTestId('save').isDisabled()).toBe(true);
    await expect.poll(() => page.getByTestId('save-state').textContent()).toContain('not saved');
    await page.getByTestId('field-offset').fill('26');
    await page.getByTestId('field-chip-uplink').click();
    await page.getByTestId('value-number-1').fill('7');
    await expect
      .poll(() => page.getByTestId('value-number-1-error').textContent())
      .toBe('value 7 does not fit in the 2 bit(s) of "uplink" (0..3)');
    expect(await page.getByTestId('save').isDisabled()).toBe(true);
    await expect.poll(() => page.getByTestId('problems').textContent()).toContain('uplink: values 1 value');
    expect(await inDb(page)).toEqual(['edge@2']);
    await page.getByTestId('value-number-1').fill('2');
    await expect.poll(() => page.getByTestId('save').isDisabled()).toBe(false);
  });

  it('decodes a typed mark and refuses an invalid one', async () => {
    const { page } = bp();
    await page.getByTestId('bench-mark').fill('0x02000000');
    await expect.poll(() => page.getByTestId('decoded-uplink').textContent()).toContain('isp2');
    await page.getByTestId('bench-mark').fill('0xfffffffff');
    await expect
      .poll(() => page.getByTestId('bench-mark-error').textContent())
      .toContain('larger than 0xffffffff');
    await page.getByTestId('pick-uplink').selectOption('isp1');
    await expect.poll(() => page.getByTestId('bench-vm').textContent()).toBe('0x1000000/0x3000000');
    await expect
      .poll(() => page.getByTestId('bench-texts').textContent())
      .toContain('-m mark --mark 0x1000000/0x3000000');
  });

  it('renames, duplicates, shows versions with a diff and deletes after confirmation', async () => {
    const { page } = bp();
    await page.getByTestId('save').click();
    await expect.poll(() => page.getByTestId('save-state').textContent()).toBe('Saved');
    await page.getByTestId('tab-layouts').click();
    await page.getByTestId('duplicate-edge').click();
    await page.getByTestId('pending-to').fill('edge-b');
    await page.getByTestId('pending-confirm').click();
    await expect.poll(() => inDb(page)).toEqual(['edge@3', 'edge-b@1']);
    await page.getByTestId('rename-edge-b').click();
    await page.getByTestId('pending-to').fill('branch');
    await page.getByTestId('pending-confirm').click();
    await expect.poll(() => inDb(page)).toEqual(['edge@3', 'branch@1']);
    await page.getByTestId('versions-edge').click();
    await expect.poll(() => page.getByTestId('version-diff').textContent()).toContain('+');
    expect(await page.getByTestId('version-diff').textContent()).toContain('"name": "field2"');
    await page.getByTestId('delete-branch').click();
    await page.getByTestId('confirm-delete-no').click();
    expect(await inDb(page)).toEqual(['edge@3', 'branch@1']);
    await page.getByTestId('delete-branch').click();
    await page.getByTestId('confirm-delete-yes').click();
    await expect.poll(() => inDb(page)).toEqual(['edge@3']);
    expect(bp().errors).toEqual([]);
    // On the in-memory backend the page has nobody to talk to: no fonts, images or anything else fetched.
    expect(bp().requests).toEqual([]);
  });

  it("keeps each view's inputs and results while switching views", async () => {
    const { page } = bp();
    const show = async (view: string) => {
      await page.getByTestId(`tab-${view}`).click();
      await expect.poll(() => page.getByTestId(`tab-${view}`).getAttribute('aria-selected')).toBe('true');
    };
    await show('simulator');
    await page.getByTestId('sim-preset').selectOption('forward-tcp');
    await page.getByTestId('sim-dport').fill('8443');
    await page.getByTestId('simulate').click();
    await page.getByTestId('packet-0').waitFor();
    await show('deploy');
    await page.getByTestId('target').selectOption('netns:lab');
    await page.getByTestId('probe').click();
    await page.getByTestId('probe-summary').waitFor();
    await page.getByTestId('plan').click();
    await page.getByTestId('plan-report').waitFor();
    await page.getByTestId('confirm-timeout').fill('45');

    await show('layouts');
    await show('simulator');
    expect(await page.getByTestId('sim-dport').inputValue()).toBe('8443');
    expect(await page.getByTestId('sim-proto').inputValue()).toBe('tcp');
    await page.getByTestId('packet-0').waitFor();
    await page.getByText('Box routing (optional)').click();
    await page.getByTestId('sim-use-probe').click();
    expect(await page.getByTestId('sim-routes').inputValue()).toContain('"dev":"wan2"');

    await show('designer');
    await show('deploy');
    expect(await page.getByTestId('target').inputValue()).toBe('netns:lab');
    expect(await page.getByTestId('confirm-timeout').inputValue()).toBe('45');
    await expect.poll(() => page.getByTestId('plan-report').textContent()).toContain('for netns:lab');
    await page.getByTestId('probe-summary').waitFor();
    await show('simulator');
    expect(await page.getByTestId('sim-routes').inputValue()).toContain('"dev":"wan2"');
    expect(bp().errors).toEqual([]);
  });

  it('shows the target in the header and a pending deployment on every view until it is kept', async () => {
    const { page } = bp();
    expect(await page.getByTestId('header-target').textContent()).toContain('target: netns:lab');
    await page.getByTestId('tab-deploy').click();
    await page.getByTestId('confirm-verified').setChecked(false);
    await page.getByTestId('apply').click();
    await page.getByTestId('countdown').waitFor();
    expect(await page.getByTestId('keep-writes').textContent()).toMatch(/^Keep writes \/etc\/markwright/);
    await page.getByTestId('tab-designer').click();
    const banner = page.getByTestId('pending-banner');
    await banner.waitFor();
    expect(await page.getByTestId('pending-banner-target').textContent()).toBe('netns:lab');
    expect(await page.getByTestId('pending-banner-layout').textContent()).toBe('edge v3');
    expect(Number(await page.getByTestId('pending-banner-seconds').textContent())).toBeGreaterThan(40);
    await page.getByTestId('pending-banner-keep').click();
    await expect.poll(() => banner.count()).toBe(0);
    await page.getByTestId('tab-deploy').click();
    await expect.poll(() => page.getByTestId('deploy-outcome').getAttribute('data-state')).toBe('kept');
    await expect.poll(() => page.getByTestId('history-live').textContent()).toContain('edge v3');
    expect(bp().errors).toEqual([]);
  });
});
