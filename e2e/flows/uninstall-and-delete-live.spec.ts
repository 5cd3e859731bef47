// A layout live on a target cannot be deleted: the refusal names the target, on the layout's row. Uninstall
// from the Deploy view (after a yes) removes everything Markwright installed there; then the layout can go.

import { createRouterLab, kernelSkip, type RouterLab } from '@markwright/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { steerDocument } from '../fixtures/documents';
import { applyWithCountdown, keepDeployment, openDeployTarget, waitForOutcome } from '../harness/deploy-ui';
import { describeFlow } from '../harness/flow';
import { ownedKernelState, uplinkFor } from '../harness/kernel';
import { importDocument, showView, textOf, waitForText, waitIdle } from '../harness/ui';

const PORT = 6541;
const skip = kernelSkip('uninstall flow', ['ip', 'nft']);

describeFlow('uninstall from the UI, and no deleting a live layout', { skip }, (ctx) => {
  let lab: RouterLab;
  let target: string;
  beforeAll(() => {
    lab = createRouterLab('e2u');
    target = `netns:${lab.router.name}`;
  });
  afterAll(() => lab?.destroy());

  it('deploys and keeps the layout', async () => {
    const { page } = ctx;
    await importDocument(page, steerDocument('live', PORT));
    await openDeployTarget(page, target);
    await applyWithCountdown(page, 60);
    await keepDeployment(page);
    expect(uplinkFor(lab, PORT)).toBe('uplink2');
  });

  it('refuses to delete the live layout, naming the target on its row', async () => {
    const { page } = ctx;
    await showView(page, 'layouts');
    await page.getByTestId('delete-live').click();
    await page.getByTestId('confirm-delete-yes').click();
    await waitForText(
      page.getByTestId('delete-error-live'),
      `name: layout "live" is live on ${target}: uninstall it there or deploy another layout first`,
    );
    expect(await page.getByTestId('open-live').count()).toBe(1);
  });

  it('uninstalls after a yes: nothing of Markwright is left on the router', async () => {
    const { page } = ctx;
    await page.getByTestId('open-live').click();
    await showView(page, 'deploy');
    await page.getByTestId('uninstall').click();
    await page.getByTestId('confirm-uninstall').waitFor();
    expect(ownedKernelState(lab.router).table).not.toBeNull();
    await page.getByTestId('confirm-uninstall-yes').click();
    const { text } = await waitForOutcome(page, ['uninstalled']);
    expect(text).toBe(`Uninstalled: nothing of Markwright is left on ${target}`);
    expect(ownedKernelState(lab.router)).toEqual({ table: null, ipRules: [] });
    expect(uplinkFor(lab, PORT)).toBe('uplink1');
    await waitForText(page.getByTestId('history-live'), 'Nothing of Markwright is live here.');
  });

  it('then deletes the layout', async () => {
    const { page } = ctx;
    await showView(page, 'layouts');
    await page.getByTestId('delete-live').click();
    await page.getByTestId('confirm-delete-yes').click();
    await expect.poll(() => page.getByTestId('open-live').count()).toBe(0);
    await waitIdle(page);
    expect(await textOf(page.getByTestId('status'))).toContain('Deleted live');
    expect(ctx.session.pageErrors).toEqual([]);
  });
});
