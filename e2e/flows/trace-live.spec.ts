// Flow: "Trace live" beside the simulation. The router runs the layout's table and a foreign table that puts the
// uplink field back to one; the simulator (which knows only the layout) says uplink two; the live trace of a real
// packet from the client names Markwright's rule and the foreign writer, decodes the field after each step, and
// outlines the foreign rule as the first step where the live path parts from the simulated one.

import { parseDocument } from '@markwright/core';
import { compileDocument } from '@markwright/core/compile';
import { emitNftTable } from '@markwright/core/lang';
import { createRouterLab, kernelSkip, type RouterLab, sendUdp } from '@markwright/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { steerDocument } from '../fixtures/documents';
import { openDeployTarget } from '../harness/deploy-ui';
import { describeFlow } from '../harness/flow';
import { importDocument, showView, textOf, waitForText } from '../harness/ui';

const PORT = 5071;
const SPORT = 47001;
const skip = kernelSkip('trace live flow', ['ip', 'nft', 'conntrack']);

describeFlow('trace a live packet beside the simulation', { skip }, (ctx) => {
  let lab: RouterLab;
  let target: string;
  beforeAll(() => {
    lab = createRouterLab('e2t');
    target = `netns:${lab.router.name}`;
    const doc = steerDocument('steer', PORT);
    const ours = compileDocument(parseDocument(doc)).ruleset.tables.find((t) => t.name === 'markwright')!;
    lab.router.nft(emitNftTable(ours));
    // After the layout's mangle-priority chain sets uplink=two (0x200), this table sets uplink=one (0x100).
    lab.router.nft(
      `table ip rewriter {\n  chain pre {\n    type filter hook prerouting priority -100; policy accept;\n    udp dport ${PORT} meta mark set meta mark & 0xfffffcff | 0x00000100\n  }\n}\n`,
    );
  });
  afterAll(() => lab?.destroy());

  it('shows the live path beside the simulated one, the foreign writer outlined', async () => {
    const { page } = ctx;
    await importDocument(page, steerDocument('steer', PORT));
    await openDeployTarget(page, target);
    await showView(page, 'simulator');
    await page.getByTestId('sim-preset').selectOption('flow-udp');
    await page.getByTestId('sim-count').fill('1');
    // No source port: each datagram below is a new flow, as the simulated first packet is.
    await page.getByTestId('sim-sport').fill('');
    await page.getByTestId('sim-dport').fill(String(PORT));
    await page.getByTestId('simulate').click();
    await page.getByTestId('packet-0').waitFor();
    expect(await textOf(page.getByTestId('trace-live'))).toContain(target);
    await page.getByTestId('trace-live').click();
    // The trace waits for the next such packet: send until the live path is shown.
    const live = page.getByTestId('live-trace');
    for (let i = 0; i < 60 && (await live.count()) === 0; i++) {
      sendUdp(lab.client, { daddr: lab.farAddress, dport: PORT, sport: SPORT + i });
      await page.waitForTimeout(500);
    }
    if ((await live.count()) === 0)
      throw new Error(`no live path shown; status: ${await textOf(page.getByTestId('status'))}`);
    const owners = await live.locator('[data-testid$="-owner"]').allTextContents();
    expect(owners.map((o) => o.trim())).toEqual(
      expect.arrayContaining([`Markwright: udp ${PORT} via uplink2`, 'foreign']),
    );
    const foreign = live.locator('tr[data-differs="true"]');
    expect(await foreign.count()).toBe(1);
    expect(await textOf(foreign)).toMatch(/rewriter/);
    expect(await textOf(foreign)).toMatch(/uplink=one/);
    await waitForText(page.getByTestId('live-difference'), /parts from the simulation/);
    // The simulation, which knows only the layout, keeps uplink two.
    expect(await textOf(page.getByTestId('packet-0'))).toMatch(/0x00000200/);
    // The trace table is gone once the packet was read.
    expect(lab.router.exec(['nft', 'list', 'tables']).stdout).not.toMatch(/markwright_trace_/);
  });
});
