// Flow 6: two deployments of two versions of a layout, each kept; then "Roll back to this" on the first one in
// the history, confirmed, with the same countdown as an apply, then kept. The router's owned state is then exactly
// what the first deployment left (nft table and ip rules as the tools print them) and traffic routes as it did:
// port A by uplink2, port B by uplink1 again.

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
import { type OwnedKernelState, ownedKernelState, uplinkFor } from '../harness/kernel';
import { importDocument, screenshot, waitForText, waitIdle } from '../harness/ui';

const PORT_A = 6301;
const PORT_B = 6302;
const skip = kernelSkip('rollback-from-history flow', ['ip', 'nft']);

describeFlow('roll back from history to an earlier deployment', { skip }, (ctx) => {
  let lab: RouterLab;
  let target: string;
  let first: { id: string; state: OwnedKernelState };
  let second: { id: string; state: OwnedKernelState };
  beforeAll(() => {
    lab = createRouterLab('e2b');
    target = `netns:${lab.router.name}`;
  });
  afterAll(() => lab?.destroy());

  async function deployAndKeep(dport: number): Promise<{ id: string; state: OwnedKernelState }> {
    const { page } = ctx;
    await importDocument(page, steerDocument('steer', dport));
    await openDeployTarget(page, target);
    await applyWithCountdown(page, 60);
    const id = await keepDeployment(page);
    await waitForHistory(page, id, 'confirmed');
    return { id, state: ownedKernelState(lab.router) };
  }

  it('deploys version 1 (port A) and keeps it', async () => {
    first = await deployAndKeep(PORT_A);
    await waitForText(ctx.page.getByTestId('deploy-layout'), 'steer v1');
    expect(first.state.table).toMatch(/udp dport 6301/);
    expect(uplinkFor(lab, PORT_A)).toBe('uplink2');
    expect(uplinkFor(lab, PORT_B)).toBe('uplink1');
  });

  it('deploys version 2 (port B) and keeps it', async () => {
    second = await deployAndKeep(PORT_B);
    await waitForText(ctx.page.getByTestId('deploy-layout'), 'steer v2');
    expect(second.state).not.toEqual(first.state);
    expect(uplinkFor(lab, PORT_A)).toBe('uplink1');
    expect(uplinkFor(lab, PORT_B)).toBe('uplink2');
    const rows = await historyRows(ctx.page);
    expect(rows.map((r) => r.id)).toEqual([first.id, second.id]);
  });

  it('rolls back to the first deployment after a yes, with a countdown: the kernel matches it again', async () => {
    const { page } = ctx;
    await page.getByTestId(`rollback-${first.id}`).click();
    await page.getByTestId('confirm-rollback').waitFor();
    expect(ownedKernelState(lab.router)).toEqual(second.state);
    await page.getByTestId('confirm-rollback-yes').click();
    const { text } = await waitForOutcome(page, ['pending']);
    expect(text).toBe(`Rolling back to ${first.id}: keep it before the countdown ends, or it is undone`);
    await page.getByTestId('countdown').waitFor();
    expect(ownedKernelState(lab.router)).toEqual(first.state);
    const id = await keepDeployment(page);
    await waitForHistory(page, id, 'confirmed');
    await waitIdle(page);
    await screenshot(page, ctx.launcher, 'deploy-rolled-back');
    expect(ownedKernelState(lab.router)).toEqual(first.state);
    expect(uplinkFor(lab, PORT_A)).toBe('uplink2');
    expect(uplinkFor(lab, PORT_B)).toBe('uplink1');
    // The rollback is a deployment of its own, of the first one's version, and it is the live one now.
    const rows = await historyRows(page);
    expect(rows.map((r) => r.id)).toEqual([first.id, second.id, id]);
    await waitForText(page.getByTestId(`history-${id}-version`), 'steer v1');
    await waitForText(page.getByTestId('history-live'), new RegExp(`Live now: ${id} \\(steer v1\\)`));
    expect(ctx.session.pageErrors).toEqual([]);
  });
});
