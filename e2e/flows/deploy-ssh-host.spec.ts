// An SSH host added in the app: its host key's fingerprint shown (as ssh-keygen prints it) and nothing run there
// until it is accepted; then it is a target like any other: plan, apply with a countdown, Keep, history, on a real
// sshd in a lab namespace. A re-keyed box is refused with both fingerprints, shown as changed, and used again only
// after the new key is accepted by hand. The app runs in the lab's admin namespace and authenticates with the
// user's agent; it never reads a key file.

import { existsSync } from 'node:fs';
import {
  createSshBox,
  environmentSkip,
  kernelSkip,
  makeTempDir,
  removeTempDir,
  type SshAgent,
  type SshBox,
  startSshAgent,
} from '@markwright/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { steerDocument } from '../fixtures/documents';
import {
  applyWithCountdown,
  historyRows,
  keepDeployment,
  openDeployTarget,
  planDeploy,
  waitForOutcome,
  withStatus,
} from '../harness/deploy-ui';
import { describeFlow } from '../harness/flow';
import {
  importDocument,
  screenshot,
  showView,
  textOf,
  UI_TIMEOUT,
  waitForText,
  waitIdle,
} from '../harness/ui';

const PORT = 6301;
const TARGET = 'ssh:root@198.51.100.2';
const skip =
  kernelSkip('SSH host flow', ['ip', 'nft']) ??
  environmentSkip(
    'SSH host flow',
    existsSync('/usr/sbin/sshd') && existsSync('/usr/bin/ssh-agent')
      ? null
      : 'openssh-server is not installed',
  );

let lab: SshBox;
let agent: SshAgent;
let agentDir: string;
beforeAll(async () => {
  if (skip) return;
  lab = await createSshBox('e2s');
  agentDir = makeTempDir('e2s-agent');
  agent = await startSshAgent(agentDir, lab.userKey);
  lab.box.exec(['ip', 'route', 'add', 'unreachable', 'default', 'table', '100']);
}, 60_000);
afterAll(() => {
  agent?.stop();
  lab?.destroy();
  if (agentDir) removeTempDir(agentDir);
});

/** The steering document for the box's own interface. */
function boxDocument(name: string) {
  const doc = steerDocument(name, PORT) as { policy: { rules: { match: Record<string, unknown> }[] } };
  doc.policy.rules[0]!.match.iif = 'b0';
  return doc;
}

const ownedTable = () =>
  lab.box.exec(['nft', 'list', 'table', 'inet', 'markwright'], { allowFail: true }).code === 0;

describeFlow(
  'an SSH host added in the app, its key accepted, then deployed to and kept',
  { skip, place: () => ({ netns: lab.admin.name, env: { SSH_AUTH_SOCK: agent.socket } }) },
  (ctx) => {
    const host = () => ctx.page.locator(`[data-testid="ssh-host"][data-target="${TARGET}"]`);

    it('adds the host and shows its key fingerprint; it is no target until the key is accepted', async () => {
      const { page } = ctx;
      await importDocument(page, boxDocument('remote'));
      await showView(page, 'deploy');
      await page.getByTestId('ssh-address').fill('root@-bad');
      await page.getByTestId('ssh-add').click();
      await waitForText(page.getByTestId('ssh-add-error'), /^address: host must be a name or address/);
      await page.getByTestId('ssh-address').fill('root@198.51.100.2');
      await page.getByTestId('ssh-add').click();
      await withStatus(page, () => host().waitFor({ timeout: 60_000 }));
      expect(await host().getAttribute('data-state')).toBe('unverified');
      const offered = await host().getByTestId('ssh-offered-fingerprint').allTextContents();
      expect(offered.join('\n')).toContain(lab.hostKeyFingerprint());
      const options = await page.getByTestId('target').locator('option').allTextContents();
      expect(options).not.toContain(TARGET);
      expect(ownedTable()).toBe(false);
      await screenshot(page, ctx.launcher, 'ssh-host-offered');
    });

    it('accepts the key: the host is a target, and plan, apply with a countdown and Keep run on the box', async () => {
      const { page } = ctx;
      await host().getByTestId('ssh-accept').click();
      await expect.poll(() => host().getAttribute('data-state'), { timeout: UI_TIMEOUT }).toBe('accepted');
      expect(await host().getByTestId('ssh-accepted-fingerprint').allTextContents()).toEqual(
        expect.arrayContaining([expect.stringContaining(lab.hostKeyFingerprint())]),
      );
      await openDeployTarget(page, TARGET);
      expect(await textOf(page.getByTestId('header-target'))).toBe(`target: ${TARGET}`);
      const start = await applyWithCountdown(page, 120);
      expect(start).toBeGreaterThan(60);
      expect(ownedTable()).toBe(true);
      // The rules are on the box, not in the namespace the app runs in.
      expect(lab.admin.exec(['nft', 'list', 'tables']).stdout).not.toMatch(/markwright/);
      const id = await keepDeployment(page);
      expect(await historyRows(page)).toEqual([{ id, outcome: 'confirmed' }]);
      await screenshot(page, ctx.launcher, 'ssh-host-kept');
    });

    it('a re-keyed box is refused with both fingerprints until the new key is accepted by hand', async () => {
      const old = lab.hostKeyFingerprint();
      lab.rekey();
      const fresh = lab.hostKeyFingerprint();
      // A new app instance makes a new connection, which meets the new key.
      const page = await ctx.session.restart();
      await page.getByTestId('open-remote').click();
      await showView(page, 'deploy');
      await waitIdle(page);
      await page.getByTestId('plan').click();
      const error = page.getByTestId('plan-error');
      await withStatus(page, () => error.waitFor({ timeout: 60_000 }));
      const said = await textOf(error);
      expect(said).toMatch(/host key CHANGED, refused before anything ran/);
      expect(said).toContain(`accepted ${old}`);
      expect(said).toContain(`offers ${fresh}`);
      const row = page.locator(`[data-testid="ssh-host"][data-target="${TARGET}"]`);
      await expect.poll(() => row.getAttribute('data-state'), { timeout: UI_TIMEOUT }).toBe('changed');
      expect((await row.getByTestId('ssh-offered-fingerprint').allTextContents()).join('\n')).toContain(
        fresh,
      );
      expect((await row.getByTestId('ssh-accepted-fingerprint').allTextContents()).join('\n')).toContain(old);
      await screenshot(page, ctx.launcher, 'ssh-host-changed');
      await row.getByTestId('ssh-accept').click();
      await expect.poll(() => row.getAttribute('data-state'), { timeout: UI_TIMEOUT }).toBe('accepted');
      await planDeploy(page);
      // Leave the box as it was: uninstall from the app.
      await page.getByTestId('uninstall').click();
      await page.getByTestId('confirm-uninstall-yes').click();
      await waitForOutcome(page, ['uninstalled']);
      expect(ownedTable()).toBe(false);
      expect(ctx.session.pageErrors).toEqual([]);
    });
  },
);
