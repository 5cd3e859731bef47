// A pending deployment outlives the window: apply with a countdown, close the app, start a fresh instance on
// the same database and state. The Deploy view finds the deployment still waiting, follows its countdown, and
// Keep confirms it; the router kept routing by the layout all along.

import { createRouterLab, kernelSkip, type RouterLab } from '@markwright/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { steerDocument } from '../fixtures/documents';
import {
  applyWithCountdown,
  historyRows,
  keepDeployment,
  openDeployTarget,
  waitForHistory,
  waitForOutcome,
} from '../harness/deploy-ui';
import { describeFlow } from '../harness/flow';
import { uplinkFor } from '../harness/kernel';
import { importDocument, showView, textOf } from '../harness/ui';

const PORT = 6401;
const skip = kernelSkip('pending-across-restart flow', ['ip', 'nft']);

describeFlow('a pending deployment is picked up again after a restart', { skip }, (ctx) => {
  let lab: RouterLab;
  let target: string;
  beforeAll(() => {
    lab = createRouterLab('e2p');
    target = `netns:${lab.router.name}`;
  });
  afterAll(() => lab?.destroy());

  it('applies with a countdown, then the app is closed and started again', async () => {
    await importDocument(ctx.page, steerDocument('steer', PORT));
    await openDeployTarget(ctx.page, target);
    await applyWithCountdown(ctx.page, 90);
    const page = await ctx.session.restart();
    expect(uplinkFor(lab, PORT)).toBe('uplink2');
    await page.getByTestId('open-steer').click();
    await showView(page, 'deploy');
    await openDeployTarget(page, target);
    const { text } = await waitForOutcome(page, ['pending']);
    expect(text).toBe('A deployment is waiting for confirmation');
    await page.getByTestId('countdown').waitFor();
    const left = Number(await textOf(page.getByTestId('countdown')));
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThanOrEqual(90);
  });

  it('keeps it from the new window', async () => {
    const { page } = ctx;
    const id = await keepDeployment(page);
    await waitForHistory(page, id, 'confirmed');
    expect(await historyRows(page)).toEqual([{ id, outcome: 'confirmed' }]);
    expect(uplinkFor(lab, PORT)).toBe('uplink2');
    expect(ctx.session.pageErrors).toEqual([]);
  });
});
