// Flow 3: simulate a flow through a persisted field. The first packet's trace shows the rule that sets the
// field and the field saved to the ct mark; an unanswered second packet finds that ct mark in conntrack (still
// NEW, as the kernel keeps unreplied UDP); once the flow has a reply, the field is restored from the ct mark on
// the reply and on the next packet. With the routes probed on the lab's router, the mark selects table 100
// through the layout's ip rule and the packets leave by r2.

import { createRouterLab, kernelSkip, type RouterLab } from '@markwright/testkit';
import type { Page } from 'playwright-core';
import { afterAll, expect, it } from 'vitest';
import { steerDocument } from '../fixtures/documents';
import { openDeployTarget } from '../harness/deploy-ui';
import { describeFlow } from '../harness/flow';
import { importDocument, screenshot, showView, textOf, waitForText, waitIdle } from '../harness/ui';

interface StepRow {
  readonly kind: string;
  readonly matched: boolean;
  readonly text: string;
  /** The marks the step shows after it ran, as printed (`0x00000200`): mark and/or ct mark. */
  readonly marks: string[];
}

async function steps(page: Page, packet: number): Promise<StepRow[]> {
  const rows = page.getByTestId(`packet-${packet}`).locator('tr[data-kind]');
  const out: StepRow[] = [];
  for (let i = 0; i < (await rows.count()); i++) {
    const row = rows.nth(i);
    out.push({
      kind: (await row.getAttribute('data-kind')) ?? '',
      matched: (await row.getAttribute('data-matched')) === 'true',
      text: (await textOf(row)).replace(/\s+/g, ' '),
      marks: (await row.locator('td.marks mw-mark-bits span.mono').allTextContents()).map((t) => t.trim()),
    });
  }
  return out;
}

const one = (rows: StepRow[], test: (row: StepRow) => boolean, what: string): StepRow => {
  const found = rows.filter(test);
  if (found.length !== 1) throw new Error(`expected one step ${what}, found ${found.length}`);
  return found[0]!;
};

const routingSkip = kernelSkip('simulate flow: routing with a probed router', ['ip', 'nft']);

describeFlow('simulate a two-packet flow through a persisted field', {}, (ctx) => {
  let lab: RouterLab | undefined;
  afterAll(() => lab?.destroy());

  it('traces the field set on the first packet and saved to the ct mark', async () => {
    const { page } = ctx;
    await importDocument(page, steerDocument('steer', 5555));
    await showView(page, 'simulator');
    await page.getByTestId('sim-preset').selectOption('flow-udp');
    expect(await page.getByTestId('sim-count').inputValue()).toBe('2');
    expect(await page.getByTestId('sim-iif').inputValue()).toBe('r0');
    expect(await page.getByTestId('sim-dport').inputValue()).toBe('5555');
    await page.getByTestId('simulate').click();
    await page.getByTestId('packet-1').waitFor();
    await screenshot(page, ctx.launcher, 'simulator');

    const first = await steps(page, 0);
    const track = one(first, (s) => s.kind === 'conntrack', 'in conntrack');
    expect(track.text).toMatch(/new \(first packet of the flow\)/);
    expect(track.marks).toEqual(['0x00000000']);
    const set = one(
      first,
      (s) => s.matched && /udp d(st)?port 5555 meta mark set/.test(s.text),
      'setting uplink',
    );
    expect(set.marks).toEqual(['0x00000200', '0x00000000']);
    const save = one(
      first,
      (s) => s.matched && /meta mark & 0x00000200 (== )?0x00000200 ct mark set/.test(s.text),
      'saving uplink=two to the ct mark',
    );
    expect(save.marks).toEqual(['0x00000200', '0x00000200']);
    await waitForText(page.getByTestId('packet-0-verdict'), 'accept');
    // Without box routes the simulator says what it assumed instead of inventing a route.
    await waitForText(page.getByTestId('packet-0-notes'), 'routing not simulated');
  });

  it('finds the saved ct mark on the second packet of the flow', async () => {
    const { page } = ctx;
    const second = await steps(page, 1);
    const track = one(second, (s) => s.kind === 'conntrack', 'in conntrack');
    expect(track.text).toMatch(/\(existing flow\)/);
    // The conntrack entry the first packet made carries uplink=two before any rule of this packet runs.
    expect(track.marks).toEqual(['0x00000200']);
    // Unanswered UDP stays NEW in conntrack (the kernel's ctinfo is IP_CT_NEW until a reply is seen), so the
    // restore rule (ct state established,related) is traced but does not match; the ct mark keeps the value.
    const restore = one(
      second,
      (s) => /ct state established,related ct mark & 0x00000200 (== )?0x00000200 meta mark set/.test(s.text),
      'restoring uplink=two from the ct mark',
    );
    expect(restore.matched).toBe(false);
    expect(restore.marks[1]).toBe('0x00000200');
    const last = second.filter((s) => s.kind === 'rule').at(-1)!;
    expect(last.marks).toEqual(['0x00000200', '0x00000200']);
    expect(second.some((s) => s.kind === 'route')).toBe(true);
  });

  it('restores the field from the ct mark once the flow has a reply', async () => {
    const { page } = ctx;
    // Original, reply (arriving on r2), original: conntrack sees the reply, so the flow is established.
    await page.getByTestId('sim-preset').selectOption('flow-reply');
    expect(await page.getByTestId('sim-replyIif').inputValue()).toBe('r2');
    await page.getByTestId('simulate').click();
    await page.getByTestId('packet-2').waitFor();
    const restoring = /ct state established,related ct mark & 0x00000200 (== )?0x00000200 meta mark set/;

    const reply = await steps(page, 1);
    const replyTrack = one(reply, (s) => s.kind === 'conntrack', 'in conntrack');
    expect(replyTrack.text).toMatch(/reply .*established/);
    expect(replyTrack.marks).toEqual(['0x00000200']);
    const restoredOnReply = one(reply, (s) => restoring.test(s.text), 'restoring on the reply');
    expect(restoredOnReply.matched).toBe(true);
    expect(restoredOnReply.marks).toEqual(['0x00000200', '0x00000200']);

    const next = await steps(page, 2);
    expect(one(next, (s) => s.kind === 'conntrack', 'in conntrack').text).toMatch(/original .*established/);
    const restored = one(next, (s) => restoring.test(s.text), 'restoring on the next original packet');
    expect(restored.matched).toBe(true);
    expect(restored.marks).toEqual(['0x00000200', '0x00000200']);
    // Restored before the classifying rule runs: the mark already says uplink=two.
    const rules = next.filter((s) => s.kind === 'rule');
    expect(rules.indexOf(restored)).toBeLessThan(rules.findIndex((s) => /udp d(st)?port 5555/.test(s.text)));
  });

  it('shows the ip rule the mark selects and decodes the mark as uplink two', async () => {
    const { page } = ctx;
    await showView(page, 'policy');
    await page.getByTestId('preview-iproute').click();
    await waitForText(page.getByTestId('preview-text'), /fwmark 0x200\/0x300 (table|lookup) 100/);
    await screenshot(page, ctx.launcher, 'policy');
    await showView(page, 'designer');
    await page.getByTestId('bench-mark').fill('0x200');
    await waitForText(page.getByTestId('decoded-uplink'), /uplink\s*two/);
    expect(ctx.session.pageErrors).toEqual([]);
  });

  it.skipIf(routingSkip)(
    'routes by the mark with the routes probed on a router: table 100, out of r2',
    async () => {
      const { page } = ctx;
      lab = createRouterLab('e2s');
      await openDeployTarget(page, `netns:${lab.router.name}`);
      await page.getByTestId('probe').click();
      await page.getByTestId('probe-summary').waitFor({ timeout: 60_000 });
      await waitIdle(page);
      await showView(page, 'simulator');
      await page.getByText('Box routing (optional)').click();
      await page.getByTestId('sim-use-probe').click();
      expect(await page.getByTestId('sim-routes').inputValue()).toMatch(/"table":"100"|"table":100/);
      await page.getByTestId('sim-preset').selectOption('flow-udp');
      await page.getByTestId('simulate').click();
      await page.getByTestId('packet-1').waitFor();
      for (const packet of [0, 1]) {
        const route = one(await steps(page, packet), (s) => s.kind === 'route', 'routing the packet');
        expect(route.text).toMatch(/fwmark 0x200\/0x300 lookup 100/);
        expect(route.text).toMatch(/table 100 .*→ r2 \(forward\)/);
        expect(route.marks).toEqual(['0x00000200']);
        await waitForText(page.getByTestId(`packet-${packet}-table`), '100');
        await waitForText(page.getByTestId(`packet-${packet}-oif`), 'r2');
      }
      await screenshot(page, ctx.launcher, 'simulator');
      expect(ctx.session.pageErrors).toEqual([]);
    },
  );
});
