import { fileURLToPath } from 'node:url';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserSkip, pageForSuite, showView } from '../testing/browser-harness';

const skip = browserSkip('deploy history in Chromium on an in-memory backend');

const entry = fileURLToPath(new URL('../testing/entries/app.entry.ts', import.meta.url));

const cells = async (rows: Locator): Promise<string[][]> => {
  const out: string[][] = [];
  for (let i = 0; i < (await rows.count()); i++)
    out.push((await rows.nth(i).locator('td').allTextContents()).map((t) => t.trim()));
  return out;
};

const historyIds = (page: Page) =>
  page
    .locator('tr[data-deployment]')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-deployment')));

describe.skipIf(skip)('the deploy history says why a deployment did not stay', () => {
  const bp = pageForSuite(entry);

  it('a failed apply: its error beside Apply, and under its history row with what was restored', async () => {
    const { page } = bp();
    await page.getByTestId('new-layout-name').fill('edge');
    await page.getByTestId('create-layout').click();
    await expect.poll(() => page.getByTestId('save-state').textContent()).toBe('Saved');
    await showView(page, 'deploy');
    await page.getByTestId('target').selectOption('netns:lab');
    // A box that refuses security labels is only information for a layout without any.
    await page.getByTestId('probe').click();
    await expect.poll(() => page.getByTestId('probe-secmark').getAttribute('class')).toBe('muted');
    await page.getByTestId('plan').click();
    await page.getByTestId('plan-report').waitFor();
    // Apply keeps a verified deployment by itself: what keeping writes is said before it is pressed.
    await expect
      .poll(() => page.getByTestId('verified-writes').textContent())
      .toBe(
        'When the box agrees, the deployment is kept at once. Keep writes /etc/markwright/targets/netns:lab/ruleset.json, /etc/markwright/targets/netns:lab/tc.batch, the unit /etc/systemd/system/markwright-restore@.service and enables it (/etc/systemd/system/multi-user.target.wants/markwright-restore@netns:lab.service).',
      );
    await page.evaluate(() =>
      (globalThis as unknown as { failNextApply(m: string): void }).failNextApply(
        'tc: TC classifier not found',
      ),
    );
    await page.getByTestId('apply').click();
    await expect
      .poll(() => page.getByTestId('apply-error').textContent())
      .toBe('tc: TC classifier not found');
    await expect.poll(() => historyIds(page)).toHaveLength(1);
    const [id] = await historyIds(page);
    expect(await page.getByTestId(`history-${id}-outcome`).textContent()).toBe('failed');
    expect(await page.getByTestId(`history-${id}-message`).textContent()).toBe(
      'failed: tc: TC classifier not found',
    );
    expect(await page.getByTestId(`history-${id}-restored`).textContent()).toMatch(
      /^the previous state was restored: no Markwright deployment/,
    );
  });

  it('a revert by verification: each disagreement as expected vs seen, beside the outcome and under the row', async () => {
    const { page } = bp();
    await page.evaluate(() =>
      (
        globalThis as unknown as {
          disagreeNextApply(d: { rule: string; field: string; expected: string; seen: string }): void;
        }
      ).disagreeNextApply({ rule: 'voip', field: 'uplink', expected: 'isp2 (mark 0x2)', seen: 'unset (0)' }),
    );
    await page.getByTestId('apply').click();
    await expect.poll(() => page.getByTestId('deploy-outcome').getAttribute('data-state')).toBe('reverted');
    expect(await page.getByTestId('apply-error').count()).toBe(0);
    const row = ['voip', 'uplink', 'isp2 (mark 0x2)', 'unset (0)'];
    expect(await cells(page.getByTestId('verify-disagreement'))).toEqual([row]);
    await expect.poll(() => historyIds(page)).toHaveLength(2);
    const id = (await historyIds(page))[1];
    expect(await page.getByTestId(`history-${id}-outcome`).textContent()).toBe('reverted by verification');
    expect(await cells(page.getByTestId(`history-${id}-disagreement`))).toEqual([row]);
    expect(await page.getByTestId(`history-${id}-message`).textContent()).toBe(
      'reverted: the box did not do what the document says (1 disagreement)',
    );
    expect(await page.getByTestId('history-live').textContent()).toBe('Nothing of Markwright is live here.');

    await showView(page, 'simulator');
    await showView(page, 'deploy');
    expect(await cells(page.getByTestId('verify-disagreement'))).toEqual([row]);
    expect(await cells(page.getByTestId(`history-${id}-disagreement`))).toEqual([row]);
    expect(bp().errors).toEqual([]);
  });

  it('Roll back asks first, then runs with the same live check as an apply', async () => {
    const { page } = bp();
    for (const n of [3, 4]) {
      // A kept apply drops the plan (it is live now): Apply waits for a new one.
      if (n === 4) {
        expect(await page.getByTestId('apply').isDisabled()).toBe(true);
        expect(await page.getByTestId('plan-applied').textContent()).toMatch(
          /^Applied: this is live on netns:lab/,
        );
      }
      await page.getByTestId('plan').click();
      await expect.poll(() => page.getByTestId('apply').isDisabled()).toBe(false);
      await page.getByTestId('apply').click();
      await expect.poll(() => historyIds(page)).toHaveLength(n);
      await expect.poll(() => page.getByTestId('deploy-outcome').getAttribute('data-state')).toBe('verified');
    }
    const [, , kept, live] = await historyIds(page);
    expect(await page.getByTestId(`rollback-${live}`).isDisabled()).toBe(true);
    await page.getByTestId(`rollback-${kept}`).click();
    expect(await page.getByTestId('confirm-rollback').textContent()).toContain(
      `Roll back to ${kept}? The box is checked right after: kept when it does what that version says, put back at once when not.`,
    );
    await page.getByTestId('confirm-rollback-no').click();
    expect(await historyIds(page)).toHaveLength(4);
    await page.getByTestId(`rollback-${kept}`).click();
    await page.getByTestId('confirm-rollback-yes').click();
    await expect.poll(() => historyIds(page)).toHaveLength(5);
    const back = (await historyIds(page))[4];
    expect(await page.getByTestId('deploy-outcome').getAttribute('data-state')).toBe('verified');
    expect(await page.getByTestId(`history-${back}-outcome`).textContent()).toBe('verified');
    expect(await page.locator(`tr[data-deployment="${back}"] td`).nth(2).textContent()).toBe(
      `rollback to ${kept}`,
    );
    expect(await page.getByTestId('history-live').textContent()).toContain(`Live now: ${back}`);
    // By hand, the question names the countdown instead.
    await page.getByTestId('confirm-verified').setChecked(false);
    await page.getByTestId(`rollback-${kept}`).click();
    expect(await page.getByTestId('confirm-rollback').textContent()).toContain(
      `Roll back to ${kept} with a 30 s countdown?`,
    );
    await page.getByTestId('confirm-rollback-no').click();
    expect(bp().errors).toEqual([]);
  });

  it('keeps the header and a pending deployment in sight while the view scrolls', async () => {
    const { page } = bp();
    await page.getByTestId('plan').click();
    await page.getByTestId('apply').click();
    await page.getByTestId('countdown').waitFor();
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(0);
    for (const id of ['pending-banner', 'header-target']) {
      const box = await page.getByTestId(id).boundingBox();
      expect(box!.y, id).toBeGreaterThanOrEqual(0);
      expect(box!.y + box!.height, id).toBeLessThan(200);
    }
    await page.getByTestId('pending-banner-keep').click();
    await expect.poll(() => page.getByTestId('pending-banner').count()).toBe(0);
    expect(bp().errors).toEqual([]);
  });

  it('shows the remembered target in the select even when the target list does not have it', async () => {
    const { page } = bp();
    await showView(page, 'layouts');
    await page.getByTestId('new-layout-name').fill('other');
    await page.getByTestId('create-layout').click();
    await expect.poll(() => page.getByTestId('open-layout').textContent()).toContain('other v1');
    await page.evaluate(() =>
      (globalThis as unknown as { rememberTarget(n: string, t: string): Promise<unknown> }).rememberTarget(
        'other',
        'netns:gone',
      ),
    );
    await showView(page, 'layouts');
    await page.getByTestId('open-edge').click();
    await expect.poll(() => page.getByTestId('header-target').textContent()).toContain('netns:lab');
    await showView(page, 'layouts');
    await page.getByTestId('open-other').click();
    await expect.poll(() => page.getByTestId('header-target').textContent()).toContain('target: netns:gone');
    await showView(page, 'deploy');
    expect(await page.getByTestId('target').inputValue()).toBe('netns:gone');
    expect(bp().errors).toEqual([]);
  });
});
