// A tc class bound to a device that has no classful qdisc is refused at plan, before anything is touched: the
// problem names the document field and sits right under the tc line of the plan it is about, and Apply stays
// disabled while that plan is shown.

import { createRouterLab, kernelSkip, type RouterLab } from '@markwright/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { steerWithClassDocument } from '../fixtures/documents';
import { openDeployTarget, planDeploy } from '../harness/deploy-ui';
import { describeFlow } from '../harness/flow';
import { ownedKernelState } from '../harness/kernel';
import { importDocument, textOf, waitForText } from '../harness/ui';

const skip = kernelSkip('plan-refuses-tc flow', ['ip', 'nft', 'tc']);

describeFlow('plan refuses a tc class on a device without its qdisc', { skip }, (ctx) => {
  let lab: RouterLab;
  let target: string;
  beforeAll(() => {
    lab = createRouterLab('e2q');
    target = `netns:${lab.router.name}`;
  });
  afterAll(() => lab?.destroy());

  it('shows the problem under the tc line of the plan and keeps Apply disabled', async () => {
    const { page } = ctx;
    const before = ownedKernelState(lab.router);
    await importDocument(page, steerWithClassDocument('classy', 6501));
    await openDeployTarget(page, target);
    await planDeploy(page);
    const problem = page
      .getByTestId('plan-problem')
      .and(page.locator('[data-field="policy.classes[0].parent"]'));
    await waitForText(problem, /policy\.classes\[0\]\.parent: /);
    expect(await problem.getAttribute('data-part')).toBe('tc');
    // The line right before the problem is a tc line of the plan (or another tc problem after it).
    const previousKind = await problem.evaluate((el) => {
      let prev = el.previousElementSibling;
      while (prev && prev.getAttribute('data-testid') === 'plan-problem') prev = prev.previousElementSibling;
      return prev?.getAttribute('data-kind') ?? null;
    });
    expect(previousKind).toBe('tc');
    await waitForText(page.getByTestId('plan-problems'), /this box cannot take the plan/);
    expect(await page.getByTestId('apply').isDisabled()).toBe(true);
    expect(await textOf(page.getByTestId('apply-blocked'))).toBe(
      'The target cannot take this plan: see the problems in it.',
    );
    // The problem stays while the plan is shown: switching views and back does not drop it.
    await page.getByTestId('tab-simulator').click();
    await page.getByTestId('tab-deploy').click();
    await waitForText(problem, /policy\.classes\[0\]\.parent: /);
    expect(ownedKernelState(lab.router)).toEqual(before);
    expect(ctx.session.pageErrors).toEqual([]);
  });
});
