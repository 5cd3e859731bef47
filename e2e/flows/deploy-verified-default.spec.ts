// Confirm when verified is the deploy view's default: after Apply the live router is checked packet by packet
// against what the document says and the deployment is kept at once, with no countdown; the history says
// verified and marks it live.

import { createRouterLab, kernelSkip, type RouterLab } from '@markwright/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { steerDocument } from '../fixtures/documents';
import {
  historyLabel,
  historyRows,
  openDeployTarget,
  planDeploy,
  waitForOutcome,
} from '../harness/deploy-ui';
import { describeFlow } from '../harness/flow';
import { uplinkFor } from '../harness/kernel';
import { importDocument, textOf, waitForText, waitIdle } from '../harness/ui';

const PORT = 6551;
const skip = kernelSkip('verified-default flow', ['ip', 'nft', 'tc', 'python3']);

describeFlow('apply confirms when verified by default', { skip }, (ctx) => {
  let lab: RouterLab;
  let target: string;
  beforeAll(() => {
    lab = createRouterLab('e2v');
    target = `netns:${lab.router.name}`;
  });
  afterAll(() => lab?.destroy());

  it('checks the router after applying and keeps the deployment at once', async () => {
    const { page } = ctx;
    await importDocument(page, steerDocument('checked', PORT));
    await openDeployTarget(page, target);
    expect(await page.getByTestId('confirm-verified').isChecked()).toBe(true);
    await planDeploy(page);
    await page.getByTestId('apply').click();
    const { text } = await waitForOutcome(page, ['verified', 'reverted']);
    expect(text).toMatch(/^Verified and kept: the box does what the document says/);
    await waitIdle(page);
    expect(await page.getByTestId('countdown').count()).toBe(0);
    expect(await textOf(page.getByTestId('verification'))).toContain('0 disagreements');
    const rows = await historyRows(page);
    expect(rows.map((r) => r.outcome)).toEqual(['verified']);
    expect(await historyLabel(page, rows[0]!.id)).toBe('verified');
    await waitForText(page.getByTestId('history-live'), `Live now: ${rows[0]!.id} (checked v1)`);
    expect(uplinkFor(lab, PORT)).toBe('uplink2');
    expect(ctx.session.pageErrors).toEqual([]);
  });
});
