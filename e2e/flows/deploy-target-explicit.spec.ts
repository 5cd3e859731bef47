// The target is never chosen silently: a new layout has none (Plan and Apply refuse, the header says so), the
// one chosen is shown in the header of every view and remembered for the layout across a restart, and choosing
// another target drops the plan shown, so Apply waits for a plan of that target.

import { createRouterLab, kernelSkip, type RouterLab } from '@markwright/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { steerDocument } from '../fixtures/documents';
import { openDeployTarget, planDeploy } from '../harness/deploy-ui';
import { describeFlow } from '../harness/flow';
import { importDocument, showView, textOf, waitForText, waitIdle } from '../harness/ui';

const skip = kernelSkip('explicit-target flow', ['ip', 'nft']);

describeFlow('the deploy target is chosen explicitly and remembered per layout', { skip }, (ctx) => {
  let lab: RouterLab;
  let target: string;
  beforeAll(() => {
    lab = createRouterLab('e2t');
    target = `netns:${lab.router.name}`;
  });
  afterAll(() => lab?.destroy());

  it('has no target until one is chosen: Plan and Apply refuse, the header says so', async () => {
    const { page } = ctx;
    await importDocument(page, steerDocument('explicit', 6511));
    expect(await textOf(page.getByTestId('header-target'))).toBe('no target chosen');
    await showView(page, 'deploy');
    await waitIdle(page);
    expect(await page.getByTestId('target').inputValue()).toBe('');
    await waitForText(page.getByTestId('deploy-blocked'), 'Choose a target first.');
    expect(await page.getByTestId('plan').isDisabled()).toBe(true);
    expect(await page.getByTestId('apply').isDisabled()).toBe(true);
  });

  it('shows the chosen target in the header of every view; Apply waits for a plan of it', async () => {
    const { page } = ctx;
    await openDeployTarget(page, target);
    await waitForText(page.getByTestId('apply-blocked'), `Plan version 1 for ${target} first.`);
    expect(await page.getByTestId('apply').isDisabled()).toBe(true);
    for (const view of ['layouts', 'designer', 'policy', 'simulator'] as const) {
      await showView(page, view);
      expect(await textOf(page.getByTestId('header-target'))).toBe(`target: ${target}`);
    }
    await showView(page, 'deploy');
    await planDeploy(page);
    expect(await page.getByTestId('apply').isDisabled()).toBe(false);
    // Another target: the plan of the first no longer counts.
    await page.getByTestId('target').selectOption('local');
    await expect.poll(() => page.getByTestId('plan-report').count()).toBe(0);
    expect(await page.getByTestId('apply').isDisabled()).toBe(true);
    await waitForText(page.getByTestId('apply-blocked'), 'Plan version 1 for local first.');
    await page.getByTestId('target').selectOption(target);
    await waitIdle(page);
  });

  it('remembers the target for the layout after a restart', async () => {
    const page = await ctx.session.restart();
    await page.getByTestId('open-explicit').click();
    await waitForText(page.getByTestId('header-target'), `target: ${target}`);
    await showView(page, 'deploy');
    expect(await page.getByTestId('target').inputValue()).toBe(target);
    expect(ctx.session.pageErrors).toEqual([]);
  });
});
