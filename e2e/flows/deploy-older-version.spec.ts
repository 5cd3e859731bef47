// Deploying a saved version that is not the newest: version 1 steers port A, version 2 port B; choosing v1 on
// Deploy plans and applies v1, the router routes port A by uplink2 and port B by uplink1, and the history shows
// the deployment as v1 with its note, live now.

import { createRouterLab, kernelSkip, type RouterLab } from '@markwright/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { steerDocument } from '../fixtures/documents';
import { applyWithCountdown, keepDeployment, openDeployTarget, waitForHistory } from '../harness/deploy-ui';
import { describeFlow } from '../harness/flow';
import { uplinkFor } from '../harness/kernel';
import { importDocument, textOf, waitForText, waitIdle } from '../harness/ui';

const PORT_A = 6521;
const PORT_B = 6522;
const skip = kernelSkip('older-version flow', ['ip', 'nft']);

describeFlow('deploy an older saved version', { skip }, (ctx) => {
  let lab: RouterLab;
  let target: string;
  beforeAll(() => {
    lab = createRouterLab('e2o');
    target = `netns:${lab.router.name}`;
  });
  afterAll(() => lab?.destroy());

  it('plans and applies version 1 while version 2 is open', async () => {
    const { page } = ctx;
    await importDocument(page, steerDocument('older', PORT_A));
    await importDocument(page, steerDocument('older', PORT_B));
    await openDeployTarget(page, target);
    await waitForText(page.getByTestId('deploy-layout'), 'older v2');
    await page.getByTestId('deploy-version').selectOption('1');
    await waitForText(page.getByTestId('deploy-layout'), 'older v1');
    await applyWithCountdown(page, 60);
    expect(await textOf(page.getByTestId('plan-report'))).toContain('Plan of v1');
    const id = await keepDeployment(page);
    await waitForHistory(page, id, 'confirmed');
    await waitIdle(page);
    expect(uplinkFor(lab, PORT_A)).toBe('uplink2');
    expect(uplinkFor(lab, PORT_B)).toBe('uplink1');
    expect(await textOf(page.getByTestId(`history-${id}-version`))).toBe('older v1');
    expect(await textOf(page.getByTestId(`history-${id}`))).toContain('imported');
    await waitForText(page.getByTestId('history-live'), `Live now: ${id} (older v1)`);
    expect(ctx.session.pageErrors).toEqual([]);
  });
});
