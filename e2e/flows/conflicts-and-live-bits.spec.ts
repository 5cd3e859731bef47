// Flow 2: import a document whose fields sit on Tailscale's and kube-proxy's bits. The designer marks those
// bits on the strips and lists each conflict with its consumer and source; probing a namespace that holds a
// kube-proxy-like ruleset (loaded with iptables-restore) shows its live bits, on the probe summary and the strip.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { kernelSkip, Netns } from '@markwright/testkit';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { collidingDocument } from '../fixtures/documents';
import { openDeployTarget } from '../harness/deploy-ui';
import { describeFlow } from '../harness/flow';
import { fixturesDir } from '../harness/paths';
import {
  designerStrip,
  importDocument,
  screenshot,
  showView,
  textOf,
  UI_TIMEOUT,
  waitForText,
  waitIdle,
} from '../harness/ui';

const skip = kernelSkip('conflicts and live bits flow', ['ip', 'nft', 'iptables-restore']);

/** The bits a strip marks as claimed by known consumers, lowest first. */
async function markedBits(page: Page, space: 'fwmark' | 'connmark'): Promise<number[]> {
  const ids = await designerStrip(page, space)
    .locator(`[data-testid^="known-${space}-"]`)
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-testid') ?? ''));
  return ids.map((id) => Number(id.split('-').at(-1))).sort((a, b) => a - b);
}

describeFlow('conflicts with known consumers and a probed kube-proxy box', { skip }, (ctx) => {
  let kube: Netns;
  beforeAll(() => {
    kube = Netns.create('e2kube');
    kube.exec(['iptables-restore'], { input: readFileSync(join(fixturesDir, 'kube-proxy.rules'), 'utf8') });
  });
  afterAll(() => kube?.destroy());

  it('shows the conflicts on the strips and lists them with their sources', async () => {
    const { page } = ctx;
    await importDocument(page, collidingDocument);
    const conflicts = page.getByTestId('conflicts');
    // Tailscale (nftables mode, 1.96+) also restores the whole fwmark from the ct mark on established packets,
    // so its fwmark conflict carries a second severity; its connmark one does not.
    for (const [field, consumer, bits, severity] of [
      ['tunnel', 'tailscale', '0x30000', 'shares-bits, whole-mark-overwrite'],
      ['masq', 'kube-proxy', '0x4000', 'shares-bits'],
      ['zone', 'tailscale', '0x300000', 'shares-bits'],
    ] as const) {
      const item = conflicts.getByTestId(`conflict-${field}-${consumer}`);
      await waitForText(
        item,
        new RegExp(`${field}\\s*↔\\s*${consumer}\\s*on\\s*${bits}\\s+${severity}\\s+\\(known\\)`),
      );
    }
    // The consumers' bits are marked under the strip of the mark they claim, named in each marker's title.
    for (const [space, bit, consumer] of [
      ['fwmark', 14, 'kube-proxy'],
      ['fwmark', 16, 'tailscale'],
      ['fwmark', 17, 'tailscale'],
      ['connmark', 20, 'tailscale'],
      ['connmark', 21, 'tailscale'],
    ] as const) {
      const marker = designerStrip(page, space).getByTestId(`known-${space}-${bit}`);
      await marker.waitFor({ timeout: UI_TIMEOUT });
      expect(await marker.getAttribute('title')).toMatch(new RegExp(`bit ${bit}: .*\\b${consumer}\\b`));
    }
    // Only the bits in conflict, then only Tailscale's claim: 0xff0000 in both marks, and in the fwmark also
    // 0x00ff00, which its nftables mode wrote on little-endian hosts before 1.98.
    await page.getByTestId('claim-filter').selectOption('conflicts');
    await expect.poll(() => markedBits(page, 'fwmark')).toEqual([14, 16, 17]);
    await expect.poll(() => markedBits(page, 'connmark')).toEqual([20, 21]);
    await page.getByTestId('claim-filter').selectOption('tailscale');
    await expect
      .poll(() => markedBits(page, 'fwmark'))
      .toEqual([8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23]);
    await expect.poll(() => markedBits(page, 'connmark')).toEqual([16, 17, 18, 19, 20, 21, 22, 23]);
    await page.getByTestId('claim-filter').selectOption('conflicts');
    // The detail names where the claim comes from.
    const tailscale = await textOf(conflicts.getByTestId('conflict-tunnel-tailscale'));
    expect(tailscale).toMatch(/writes fwmark bits 0xff0000 .*source: tailscale tsconst\/linuxfw\.go/);
    const kubeProxy = await textOf(conflicts.getByTestId('conflict-masq-kube-proxy'));
    expect(kubeProxy).toMatch(/0x4000[\s\S]*source: /);
  });

  it('probes the kube-proxy namespace and shows its live bits', async () => {
    const { page } = ctx;
    await openDeployTarget(page, `netns:${kube.name}`);
    await page.getByTestId('probe').click();
    await waitIdle(page);
    await waitForText(page.getByTestId('probe-fwmark'), '0x0000c000');
    await waitForText(page.getByTestId('probe-consumers'), /kube-proxy/);
    await screenshot(page, ctx.launcher, 'deploy-probe');

    await showView(page, 'designer');
    for (const bit of [14, 15]) {
      const marker = designerStrip(page, 'fwmark').getByTestId(`live-fwmark-${bit}`);
      await marker.waitFor({ timeout: UI_TIMEOUT });
      expect(await marker.getAttribute('title')).toBe(`bit ${bit}: live on netns:${kube.name}`);
    }
    expect(await designerStrip(page, 'fwmark').getByTestId('live-fwmark-16').count()).toBe(0);
    await screenshot(page, ctx.launcher, 'designer-conflicts');
    expect(ctx.session.pageErrors).toEqual([]);
  });
});
