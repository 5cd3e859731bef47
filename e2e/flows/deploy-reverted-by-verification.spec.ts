// Confirm when verified catches a box that undoes the layout: the router runs a foreign table that restores the
// whole packet mark from the ct mark after Markwright's rules, as wg-quick's unmasked `CONNMARK --restore-mark`
// does. Apply (the default, verified) is reverted at once; the UI lists each disagreement as expected vs seen,
// beside the outcome and under the deployment in the history, which says "reverted by verification"; nothing of
// Markwright is left on the router and the foreign table is untouched.

import { createRouterLab, kernelSkip, type RouterLab } from '@markwright/testkit';
import type { Locator, Page } from 'playwright-core';
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
import { nftTables, ownedKernelState, uplinkFor } from '../harness/kernel';
import { importDocument, screenshot, showView, textOf, waitForText, waitIdle } from '../harness/ui';

const PORT = 6561;
const RULE = `udp ${PORT} via uplink2`;
const skip = kernelSkip('reverted-by-verification flow', ['ip', 'nft', 'tc', 'python3']);

/** wg-quick's `-j CONNMARK --restore-mark` without a mask, as nft: after mangle, the whole mark from the ct mark. */
const FOREIGN_RESTORE = [
  'table ip wgquick {',
  '  chain preraw {',
  '    type filter hook prerouting priority -140; policy accept;',
  '    meta mark set ct mark',
  '  }',
  '}',
  '',
].join('\n');

/** The disagreements a table lists, one `[rule, field, expected, seen]` per row. */
async function disagreementRows(rows: Locator): Promise<string[][]> {
  const out: string[][] = [];
  for (let i = 0; i < (await rows.count()); i++) {
    const cells = rows.nth(i).locator('td');
    const row: string[] = [];
    for (let c = 0; c < (await cells.count()); c++) row.push(await textOf(cells.nth(c)));
    out.push(row);
  }
  return out;
}

/** What the check must have seen: the field cleared by the foreign restore, so table main and uplink1's device. */
const EXPECTED_DISAGREEMENTS = [
  [RULE, 'uplink', 'two (mark 0x00000200)', 'unset (0) (mark 0x00000000)'],
  [RULE, 'table', '100', 'main'],
  [RULE, 'oif', 'r2', 'r1'],
];

async function expectDisagreementsUnder(page: Page, id: string): Promise<void> {
  await page.getByTestId(`history-${id}-ending`).waitFor();
  const listed = await disagreementRows(page.getByTestId(`history-${id}-disagreement`));
  for (const row of EXPECTED_DISAGREEMENTS) expect(listed).toContainEqual(row);
  expect(await textOf(page.getByTestId(`history-${id}-message`))).toMatch(
    /^reverted: the box did not do what the document says \(\d+ disagreements?\)$/,
  );
}

describeFlow('apply reverted by verification when a foreign rule overwrites the mark', { skip }, (ctx) => {
  let lab: RouterLab;
  let target: string;
  let foreignTables: string[];
  beforeAll(() => {
    lab = createRouterLab('e2x');
    target = `netns:${lab.router.name}`;
    lab.router.nft(FOREIGN_RESTORE);
    foreignTables = nftTables(lab.router);
  });
  afterAll(() => lab?.destroy());

  it('applies with the default verified confirm: reverted at once, each disagreement shown', async () => {
    const { page } = ctx;
    await importDocument(page, steerDocument('restored', PORT, { persist: false }));
    await openDeployTarget(page, target);
    expect(await page.getByTestId('confirm-verified').isChecked()).toBe(true);
    await planDeploy(page);
    await page.getByTestId('apply').click();
    const { state, text } = await waitForOutcome(page, ['verified', 'reverted']);
    expect(state).toBe('reverted');
    expect(text).toMatch(/^Reverted: the box did not do what the document says \(\d+ disagreements?\)$/);
    await waitIdle(page);
    expect(await page.getByTestId('countdown').count()).toBe(0);
    expect(await page.getByTestId('pending-banner').count()).toBe(0);
    const shown = await disagreementRows(page.getByTestId('verify-disagreement'));
    for (const row of EXPECTED_DISAGREEMENTS) expect(shown).toContainEqual(row);
    expect(await textOf(page.getByTestId('verification'))).toMatch(
      new RegExp(`1 rule packet sent, ${shown.length} disagreements?`),
    );
  });

  it('records "reverted by verification" with the disagreements under it, and nothing of Markwright is live', async () => {
    const { page } = ctx;
    const rows = await historyRows(page);
    expect(rows.map((r) => r.outcome)).toEqual(['reverted-by-verification']);
    const id = rows[0]!.id;
    expect(await historyLabel(page, id)).toBe('reverted by verification');
    await expectDisagreementsUnder(page, id);
    await waitForText(page.getByTestId('history-live'), 'Nothing of Markwright is live here.');
    expect(await page.getByTestId('history-live-marker').count()).toBe(0);
    // The router is as before: no owned table or ip rule, the foreign table untouched, traffic on uplink1.
    expect(ownedKernelState(lab.router)).toEqual({ table: null, ipRules: [] });
    expect(nftTables(lab.router)).toEqual(foreignTables);
    expect(uplinkFor(lab, PORT)).toBe('uplink1');
    await screenshot(page, ctx.launcher, 'deploy-reverted-by-verification');
  });

  it('keeps the disagreements beside the deployment after switching views and after a restart', async () => {
    await showView(ctx.page, 'simulator');
    await showView(ctx.page, 'deploy');
    expect((await disagreementRows(ctx.page.getByTestId('verify-disagreement'))).length).toBeGreaterThan(0);
    const [row] = await historyRows(ctx.page);
    const page = await ctx.session.restart();
    await page.getByTestId('open-restored').click();
    await openDeployTarget(page, target);
    await expectDisagreementsUnder(page, row!.id);
    expect(await historyLabel(page, row!.id)).toBe('reverted by verification');
    expect(ctx.session.pageErrors).toEqual([]);
  });
});
