// A pending deployment is shown on every view, not only on Deploy: a banner with the target, the layout, the
// seconds left and what Keep writes, with Keep and Revert now. It is back after the app is closed and started
// again (before Deploy is opened), and Keep from the banner writes the files it named.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createRouterLab, kernelSkip, type RouterLab } from '@markwright/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { steerDocument } from '../fixtures/documents';
import { applyWithCountdown, openDeployTarget } from '../harness/deploy-ui';
import { describeFlow } from '../harness/flow';
import { uplinkFor } from '../harness/kernel';
import { importDocument, showView, textOf, waitForText } from '../harness/ui';

const PORT = 6531;
const skip = kernelSkip('pending-banner flow', ['ip', 'nft']);

describeFlow('the pending banner on every view and after a restart', { skip }, (ctx) => {
  let lab: RouterLab;
  let target: string;
  beforeAll(() => {
    lab = createRouterLab('e2n');
    target = `netns:${lab.router.name}`;
  });
  afterAll(() => lab?.destroy());

  it('shows the pending deployment on another view with its countdown and what Keep writes', async () => {
    const { page } = ctx;
    await importDocument(page, steerDocument('banner', PORT));
    await openDeployTarget(page, target);
    await applyWithCountdown(page, 120);
    await showView(page, 'designer');
    const banner = page.getByTestId('pending-banner');
    await banner.waitFor();
    expect(await textOf(page.getByTestId('pending-banner-target'))).toBe(target);
    expect(await textOf(page.getByTestId('pending-banner-layout'))).toBe('banner v1');
    const left = Number(await textOf(page.getByTestId('pending-banner-seconds')));
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThanOrEqual(120);
    const key = `netns-${lab.router.name}`;
    await waitForText(
      page.getByTestId('pending-banner-writes'),
      new RegExp(`^Keep writes ${ctx.workspace.rootDir}/etc/markwright/targets/${key}/ruleset\\.json`),
    );
    expect(uplinkFor(lab, PORT)).toBe('uplink2');
  });

  it('is back after a restart on the first view, and Keep there writes the files it named', async () => {
    const page = await ctx.session.restart();
    const banner = page.getByTestId('pending-banner');
    await banner.waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('tab-layouts').getAttribute('aria-selected')).toBe('true');
    expect(await textOf(page.getByTestId('pending-banner-target'))).toBe(target);
    // The banner comes from the pending list; the files are read from the target just after it.
    const named = () => textOf(page.getByTestId('pending-banner-writes'));
    await expect.poll(named, { timeout: 30_000 }).toMatch(/^Keep writes \S+ruleset\.json,/);
    const ruleset = /^Keep writes (\S+ruleset\.json),/.exec(await named())?.[1];
    expect(ruleset).toBe(
      join(ctx.workspace.rootDir, `etc/markwright/targets/netns-${lab.router.name}/ruleset.json`),
    );
    expect(existsSync(ruleset!)).toBe(false);
    await page.getByTestId('pending-banner-keep').click();
    await expect.poll(() => banner.count(), { timeout: 60_000 }).toBe(0);
    expect(existsSync(ruleset!)).toBe(true);
    expect(uplinkFor(lab, PORT)).toBe('uplink2');
    expect(ctx.session.pageErrors).toEqual([]);
  });
});
