// Flow: design a security label in the designer and a policy rule that sets it, with persist, then simulate a
// TCP flow with a reply. The first packet is labelled by the rule and the label saved to its new connection;
// the reply, which no rule labels, gets the connection's label restored; the label column shows each step.

import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { describeFlow } from '../harness/flow';
import { screenshot, showView, textOf, waitForText } from '../harness/ui';

interface LabelRow {
  readonly kind: string;
  readonly text: string;
  /** The packet's and the connection's label after the step (`—` when none). */
  readonly secmark: string;
  readonly ctsecmark: string;
}

async function labelRows(page: Page, packet: number): Promise<LabelRow[]> {
  const rows = page.getByTestId(`packet-${packet}`).locator('tr[data-kind]');
  const out: LabelRow[] = [];
  for (let i = 0; i < (await rows.count()); i++) {
    const row = rows.nth(i);
    out.push({
      kind: (await row.getAttribute('data-kind')) ?? '',
      text: (await textOf(row)).replace(/\s+/g, ' '),
      secmark: (await textOf(row.getByTestId(`packet-${packet}-step-${i}-secmark`))).trim(),
      ctsecmark: (await textOf(row.getByTestId(`packet-${packet}-step-${i}-ctsecmark`))).trim(),
    });
  }
  return out;
}

const CONTEXT = 'system_u:object_r:http_packet_t:s0';

describeFlow(
  'design a persisted security label and simulate a flow that saves and restores it',
  {},
  (ctx) => {
    it('adds a label in the designer, with the error next to a bad context', async () => {
      const { page } = ctx;
      await page.getByTestId('new-layout-name').fill('web');
      await page.getByTestId('create-layout').click();
      await waitForText(page.getByTestId('save-state'), 'Saved');
      await page.getByTestId('no-labels').waitFor();
      await page.getByTestId('add-label').click();
      await page.getByTestId('label-0-name').fill('http_packet');
      await page.getByTestId('label-0-context').fill('http_packet_t');
      await waitForText(page.getByTestId('label-0-context-error'), /^context: must be a security context/);
      expect(await page.getByTestId('save').isDisabled()).toBe(true);
      await page.getByTestId('label-0-context').fill(CONTEXT);
      await page.getByTestId('label-0-context-error').waitFor({ state: 'detached' });
      await page.getByTestId('label-0-persist').check();
    });

    it('sets the label from a policy rule and saves the layout', async () => {
      const { page } = ctx;
      await showView(page, 'policy');
      await page.getByTestId('add-rule').click();
      await page.getByTestId('rules.0.name').fill('web');
      await page.getByTestId('rules.0.proto').fill('tcp');
      await page.getByTestId('rules.0.dport').fill('80');
      await page.getByTestId('rules.0.set.secmark').selectOption('http_packet');
      await waitForText(page.getByTestId('preview-text'), /meta secmark set "http_packet"/);
      await waitForText(page.getByTestId('preview-text'), /ct secmark set meta secmark/);
      await screenshot(page, ctx.launcher, 'policy-label');
      await showView(page, 'designer');
      await page.getByTestId('save').click();
      await waitForText(page.getByTestId('save-state'), 'Saved');
      await waitForText(page.getByTestId('open-version'), 'v2');
    });

    it('labels the first packet, saves the label to the connection and restores it on the reply', async () => {
      const { page } = ctx;
      await showView(page, 'simulator');
      await page.getByTestId('sim-preset').selectOption('flow-reply');
      await page.getByTestId('sim-proto').fill('tcp');
      await page.getByTestId('sim-dport').fill('80');
      await page.getByTestId('simulate').click();
      await page.getByTestId('packet-2').waitFor();
      await screenshot(page, ctx.launcher, 'simulator-label');

      const first = await labelRows(page, 0);
      // Conntrack sees a new connection: nothing labelled yet.
      const track = first.find((r) => r.kind === 'conntrack')!;
      expect([track.secmark, track.ctsecmark]).toEqual(['—', '—']);
      const set = first.find((r) => r.kind === 'rule' && /meta secmark set "http_packet"/.test(r.text))!;
      expect([set.secmark, set.ctsecmark]).toEqual(['http_packet', '—']);
      const save = first.find((r) => r.kind === 'rule' && /ct secmark set meta secmark/.test(r.text))!;
      expect([save.secmark, save.ctsecmark]).toEqual(['http_packet', 'http_packet']);
      await waitForText(page.getByTestId('packet-0-secmark'), 'http_packet');
      await waitForText(page.getByTestId('packet-0-ctsecmark'), 'http_packet');

      const reply = await labelRows(page, 1);
      const replyTrack = reply.find((r) => r.kind === 'conntrack')!;
      expect(replyTrack.text).toMatch(/reply/);
      // The reply arrives unlabelled on a labelled connection: the restore gives it the connection's label.
      expect([replyTrack.secmark, replyTrack.ctsecmark]).toEqual(['—', 'http_packet']);
      const restore = reply.find((r) => r.kind === 'rule' && /meta secmark set ct secmark/.test(r.text))!;
      expect([restore.secmark, restore.ctsecmark]).toEqual(['http_packet', 'http_packet']);
      // Nothing labels the reply but the restore: before it, the reply carries no label of its own.
      expect(reply.slice(0, reply.indexOf(restore)).every((r) => r.secmark === '—')).toBe(true);
      await waitForText(page.getByTestId('packet-1-secmark'), 'http_packet');
      expect(ctx.session.pageErrors).toEqual([]);
    });
  },
);
