import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { browserSkip, pageForSuite, showView } from '../testing/browser-harness';

const skip = browserSkip('labels, suggest and hazards on an in-memory backend in Chromium');

const entry = fileURLToPath(new URL('../testing/entries/app.entry.ts', import.meta.url));

describe.skipIf(skip)('labels, suggest and hazards on an in-memory backend in Chromium', () => {
  const bp = pageForSuite(entry);

  it('adds, edits and removes labels, with core errors naming the input beside it', async () => {
    const { page } = bp();
    await page.getByTestId('new-layout-name').fill('web');
    await page.getByTestId('create-layout').click();
    await page.getByTestId('no-labels').waitFor();
    await page.getByTestId('add-label').click();
    expect(await page.getByTestId('label-0-name').inputValue()).toBe('label1');
    expect(await page.getByTestId('label-0-context').inputValue()).toBe('system_u:object_r:label1_t:s0');
    await page.getByTestId('label-0-name').fill('Http');
    await expect
      .poll(() => page.getByTestId('label-0-name-error').textContent())
      .toMatch(/^label name must start with a-z/);
    await page.getByTestId('label-0-name').fill('http_packet');
    await page.getByTestId('label-0-context').fill('system_u:object_r');
    await expect
      .poll(() => page.getByTestId('label-0-context-error').textContent())
      .toMatch(/^context: must be a security context user:role:type\[:level\]/);
    await expect
      .poll(() => page.getByTestId('problems').textContent())
      .toContain('label http_packet: context');
    expect(await page.getByTestId('save').isDisabled()).toBe(true);
    await page.getByTestId('label-0-context').fill('system_u:object_r:http_packet_t:s0');
    await expect.poll(() => page.getByTestId('label-0-context-error').count()).toBe(0);
    await page.getByTestId('add-label').click();
    await page.getByTestId('label-1-name').fill('http_packet');
    await expect
      .poll(() => page.getByTestId('label-1-name-error').textContent())
      .toBe('name: is already used by layout.secmarks[0] (got "http_packet")');
    await page.getByTestId('remove-label-1').click();
    await expect.poll(() => page.getByTestId('label-1').count()).toBe(0);
    await page.getByTestId('label-0-persist').check();
  });

  it('offers the labels to policy rules and follows a renamed label', async () => {
    const { page } = bp();
    await showView(page, 'policy');
    await page.getByTestId('add-rule').click();
    await page.getByTestId('rules.0.dport').fill('80');
    await page.getByTestId('rules.0.proto').fill('tcp');
    await page.getByTestId('rules.0.set.secmark').selectOption('http_packet');
    await expect
      .poll(() => page.getByTestId('preview-text').textContent())
      .toContain('meta secmark set "http_packet"');
    await showView(page, 'designer');
    await page.getByTestId('label-0-name').fill('web_packet');
    await showView(page, 'policy');
    expect(await page.getByTestId('rules.0.set.secmark').inputValue()).toBe('web_packet');
    await expect
      .poll(() => page.getByTestId('preview-text').textContent())
      .toContain('meta secmark set "web_packet"');
    await showView(page, 'designer');
    await page.getByTestId('save').click();
    await expect.poll(() => page.getByTestId('save-state').textContent()).toBe('Saved');
  });

  it('shows the probe hazards with their fix and whether labels can be deployed', async () => {
    const { page } = bp();
    await showView(page, 'deploy');
    await page.getByTestId('target').selectOption('netns:lab');
    await page.getByTestId('probe').click();
    await page.getByTestId('probe-summary').waitFor();
    const hazard = page.getByTestId('hazard-nftables-flush-ruleset');
    await expect.poll(() => hazard.textContent()).toContain('/etc/nftables.conf');
    expect(await hazard.textContent()).toMatch(/Fix:/);
    await expect
      .poll(() => page.getByTestId('probe-secmark').textContent())
      .toMatch(/cannot be deployed: the kernel refuses every secmark context/);
    // This layout has labels: the refusal is an error here.
    expect(await page.getByTestId('probe-secmark').getAttribute('class')).toBe('error');
  });

  it('suggests free bits and a route on the target, clear of what was detected, and uses them', async () => {
    const { page } = bp();
    await showView(page, 'designer');
    // The target chosen on Deploy (netns:lab) is the one probed.
    await expect
      .poll(() => page.getByTestId('suggest-panel').locator('h2').textContent())
      .toBe('Free on netns:lab');
    await page.getByTestId('suggest-width').fill('40');
    await expect.poll(() => page.getByTestId('suggest-width-error').textContent()).toContain('1..32');
    expect(await page.getByTestId('suggest').isDisabled()).toBe(true);
    await page.getByTestId('suggest-width').fill('4');
    await page.getByTestId('suggest').click();
    await page.getByTestId('suggestion').waitFor();
    expect(await page.getByTestId('suggestion').textContent()).toContain('Clear of tailscale (detected)');
    // Tailscale's 0xff0000 is not offered; the widest free run is bits 24-31.
    await expect.poll(() => page.getByTestId('use-fwmark-0').textContent()).toMatch(/bits 24–31/);
    await page.getByTestId('use-fwmark-0').click();
    await expect.poll(() => page.getByTestId('field-mask').textContent()).toBe('0xf000000');
    // The box routes table 100: the route proposal takes the next free table and Markwright's own band.
    await expect
      .poll(() => page.getByTestId('suggest-route').textContent())
      .toMatch(/10000–10009.*101, 102/s);
    await page.getByTestId('use-route').click();
    await expect.poll(() => page.getByTestId('tab-policy').getAttribute('aria-selected')).toBe('true');
    expect(await page.getByTestId('routes.0.priority').inputValue()).toBe('10000');
    expect(await page.getByTestId('routes.0.table').inputValue()).toBe('101');
    expect(bp().errors).toEqual([]);
  });
});
