// Flow 5: deploy with a short confirm timeout and let the countdown run out. The host's watchdog reverts the
// router to what it was before (checked in the namespace: Markwright's table and ip rules gone, every other
// table as it was, UDP back on uplink1) and the UI says the countdown ran out. Revert now does the same at once.

import { createRouterLab, kernelSkip, type RouterLab } from '@markwright/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { steerDocument } from '../fixtures/documents';
import {
  applyWithCountdown,
  byHand,
  historyLabel,
  historyRows,
  openDeployTarget,
  planDeploy,
  waitForOutcome,
} from '../harness/deploy-ui';
import { describeFlow } from '../harness/flow';
import { nftTables, type OwnedKernelState, ownedKernelState, uplinkFor } from '../harness/kernel';
import { importDocument, screenshot } from '../harness/ui';

const PORT = 6251;
const CONFIRM_SECONDS = 3;
const skip = kernelSkip('revert-on-timeout flow', ['ip', 'nft']);

describeFlow('deploy and let the countdown run out', { skip }, (ctx) => {
  let lab: RouterLab;
  let target: string;
  let ownedBefore: OwnedKernelState;
  let tablesBefore: string[];
  beforeAll(() => {
    lab = createRouterLab('e2r');
    target = `netns:${lab.router.name}`;
  });
  afterAll(() => lab?.destroy());

  it('applies with a three-second confirm timeout', async () => {
    const { page } = ctx;
    ownedBefore = ownedKernelState(lab.router);
    tablesBefore = nftTables(lab.router);
    expect(ownedBefore).toEqual({ table: null, ipRules: [] });
    await importDocument(page, steerDocument('steer', PORT));
    await openDeployTarget(page, target);
    await byHand(page);
    await page.getByTestId('confirm-timeout').fill(String(CONFIRM_SECONDS));
    await planDeploy(page);
    await page.getByTestId('apply').click();
    // On a busy machine the three seconds may be over before the first status poll: either is shown.
    const { state } = await waitForOutcome(page, ['pending', 'reverted']);
    if (state === 'pending') {
      const left = await page
        .getByTestId('countdown')
        .textContent({ timeout: 2_000 })
        .catch(() => null);
      if (left !== null) expect(Number(left)).toBeLessThanOrEqual(CONFIRM_SECONDS);
    }
  });

  it('reverts when nobody keeps it, and the UI says so', async () => {
    const { page } = ctx;
    const { text } = await waitForOutcome(page, ['reverted']);
    expect(text).toBe('Reverted: the countdown ran out and the previous state is back');
    expect(await page.getByTestId('countdown').count()).toBe(0);
    // The history holds the deployment: applied, then reverted by the watchdog.
    const rows = await historyRows(page);
    expect(rows.map((r) => r.outcome)).toEqual(['reverted']);
    expect(await historyLabel(page, rows[0]!.id)).toBe('reverted by timeout');
    await screenshot(page, ctx.launcher, 'deploy-reverted');
  });

  it('leaves the router as it was before the deployment', () => {
    expect(ownedKernelState(lab.router)).toEqual(ownedBefore);
    expect(nftTables(lab.router)).toEqual(tablesBefore);
    expect(uplinkFor(lab, PORT)).toBe('uplink1');
  });

  it('reverts at once with Revert now while the countdown runs', async () => {
    const { page } = ctx;
    await applyWithCountdown(page, 60);
    expect(uplinkFor(lab, PORT)).toBe('uplink2');
    await page.getByTestId('revert-now').click();
    const { text } = await waitForOutcome(page, ['reverted']);
    expect(text).toBe('Reverted: the previous state is back');
    expect(await page.getByTestId('countdown').count()).toBe(0);
    expect(ownedKernelState(lab.router)).toEqual(ownedBefore);
    expect(nftTables(lab.router)).toEqual(tablesBefore);
    expect(uplinkFor(lab, PORT)).toBe('uplink1');
    expect(ctx.session.pageErrors).toEqual([]);
  });
});
