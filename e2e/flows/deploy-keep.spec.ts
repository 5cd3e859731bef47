// Flow 4: deploy the layout to the lab's router namespace, watch the countdown, press Keep. Real UDP from the
// client then leaves by uplink2, the uplink the layout's route picks; conntrack keeps the field in the ct mark;
// the history shows the deployment confirmed, and the app's database mirrors it.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRouterLab, kernelSkip, type RouterLab } from '@markwright/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { steerDocument } from '../fixtures/documents';
import { queryRows } from '../harness/database';
import {
  applyWithCountdown,
  countdownBelow,
  historyRows,
  keepDeployment,
  openDeployTarget,
  planDeploy,
} from '../harness/deploy-ui';
import { describeFlow } from '../harness/flow';
import { conntrackMarks, countConntrackStates, ownedKernelState, uplinkFor } from '../harness/kernel';
import { importDocument, screenshot, textOf, waitForText } from '../harness/ui';

const PORT = 6201;
const skip = kernelSkip('deploy-and-keep flow', ['ip', 'nft', 'conntrack', 'sqlite3']);

describeFlow('deploy to the router namespace and keep it', { skip }, (ctx) => {
  let lab: RouterLab;
  let target: string;
  beforeAll(() => {
    lab = createRouterLab('e2k');
    target = `netns:${lab.router.name}`;
  });
  afterAll(() => lab?.destroy());

  it('probes and plans the change for the router', async () => {
    const { page } = ctx;
    await importDocument(page, steerDocument('steer', PORT));
    await openDeployTarget(page, target);
    await page.getByTestId('probe').click();
    await waitForText(page.getByTestId('probe-summary'), /no table, 0 ip rules, 0 tc filters/);
    await planDeploy(page);
    await waitForText(page.getByTestId('plan-check'), 'nft check: ok');
    const changes = await textOf(page.getByTestId('plan-changes'));
    expect(changes).toMatch(/\+ \[ip-rule\] .*fwmark 0x200\/0x300 .*100/);
    expect(changes).toMatch(/\+ \[nft\] .*udp dport 6201/);
    // Nothing reached the kernel by planning.
    expect(ownedKernelState(lab.router)).toEqual({ table: null, ipRules: [] });
    expect(uplinkFor(lab, PORT)).toBe('uplink1');
  });

  it('applies with a countdown that runs, and the route already holds', async () => {
    const { page } = ctx;
    const start = await applyWithCountdown(page, 60);
    expect(start).toBeGreaterThan(30);
    await countdownBelow(page, start);
    await screenshot(page, ctx.launcher, 'deploy');
    expect(uplinkFor(lab, PORT)).toBe('uplink2');
  });

  it('keeps it: traffic leaves by uplink2, the ct mark holds the field, history says confirmed', async () => {
    const { page } = ctx;
    const id = await keepDeployment(page);
    expect(await page.getByTestId('countdown').count()).toBe(0);
    await waitForText(page.getByTestId(`history-${id}-outcome`), 'confirmed');
    expect(await historyRows(page)).toEqual([{ id, outcome: 'confirmed' }]);

    const states = countConntrackStates(lab.router, PORT);
    expect(uplinkFor(lab, PORT)).toBe('uplink2');
    // Both datagrams of the unanswered flow are NEW to conntrack, as the simulator traces them.
    expect(states()).toEqual({ new: 2, established: 0 });
    // uplink=two is 0x200: saved to the ct mark of the flow, as the simulator shows.
    expect(conntrackMarks(lab.router, PORT)).toContain(0x200);
    const owned = ownedKernelState(lab.router);
    expect(owned.table).toMatch(/udp dport 6201/);
    expect(owned.ipRules.join('\n')).toMatch(/fwmark 0x200\/0x300 lookup 100/);
    expect(
      queryRows(
        ctx.workspace.dbPath,
        'SELECT id, target, layout_name, layout_version, outcome FROM deployments ORDER BY applied_at',
      ),
    ).toEqual([`${id}|${target}|steer|1|confirmed`]);
    // The kept state is persisted for boot per target, under the workspace's root folder, never the machine's /etc.
    const restoreDir = `etc/markwright/targets/netns-${lab.router.name}`;
    const persisted = join(ctx.workspace.rootDir, restoreDir, 'ruleset.json');
    expect(readFileSync(persisted, 'utf8')).toMatch(/"dport"/);
    expect(readFileSync(persisted, 'utf8')).toMatch(/6201/);
    expect(
      existsSync(
        join(
          ctx.workspace.rootDir,
          `etc/systemd/system/markwright-restore@netns-${lab.router.name}.service.d/target.conf`,
        ),
      ),
    ).toBe(true);
    expect(existsSync(join('/', restoreDir))).toBe(false);
    expect(readdirSync(ctx.workspace.stateDir).length).toBeGreaterThan(0);
    await screenshot(page, ctx.launcher, 'deploy-kept');
    expect(ctx.session.pageErrors).toEqual([]);
  });
});
