// The helper process for real, as root starts it (no pkexec here): requests in, the kernel of a private
// namespace changed, and the revert watchdog it starts outliving the helper session.

import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRouterLab, kernelSkip, Netns } from '@markwright/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleHelper, bundleWatchdog } from '../testing/bundles';
import { SAMPLE_DOC } from '../testing/sample-doc';
import type { ApplyResult, DeploymentRecord, DeployStatus } from '../types';
import { HelperClient } from './client';

const skip = kernelSkip('the helper kernel test', ['ip', 'nft']);

const ownedTable = (ns: Netns) =>
  ns.exec(['nft', 'list', 'table', 'inet', 'markwright'], { allowFail: true }).code === 0;

async function waitFor(check: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}

describe.skipIf(Boolean(skip))('the privileged helper process', () => {
  let dir: string;
  let ns: Netns;
  let target: string;
  let env: NodeJS.ProcessEnv;
  const session = () => new HelperClient({ argv: [process.execPath, join(dir, 'helper.mjs')], env });

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'mw-helper-'));
    bundleHelper(dir);
    mkdirSync(join(dir, 'state'), { mode: 0o700 });
    mkdirSync(join(dir, 'root'), { mode: 0o755 });
    // A desktop user's PATH (no /usr/sbin), as pkexec would pass it on.
    env = {
      PATH: '/usr/bin:/bin',
      MARKWRIGHT_STATE_DIR: join(dir, 'state'),
      MARKWRIGHT_ROOT_DIR: join(dir, 'root'),
      MARKWRIGHT_WATCHDOG: bundleWatchdog(dir),
    };
    ns = Netns.create('helper');
    target = `netns:${ns.name}`;
  });
  afterAll(() => {
    ns?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('applies with a confirm timeout; after the session ends, the watchdog it started reverts at the deadline', async () => {
    const client = session();
    try {
      const applied = await client.request<ApplyResult>({
        verb: 'apply',
        target,
        document: JSON.stringify(SAMPLE_DOC),
        documentPath: '/home/admin/steer.json',
        confirmTimeout: 2,
      });
      expect(applied.deployment.outcome).toBe('pending');
      expect(applied.deployment.document).toBe('/home/admin/steer.json');
      expect(ownedTable(ns)).toBe(true);
    } finally {
      await client.close();
    }
    await waitFor(() => !ownedTable(ns), 30_000, 'the watchdog to revert the unconfirmed deployment');
    const next = session();
    try {
      const status = await next.request<DeployStatus>({ verb: 'status', target });
      expect([status.state, status.pending]).toEqual(['none', null]);
      const history = await next.request<DeploymentRecord[]>({ verb: 'history', target });
      expect(history.map((d) => d.outcome)).toEqual(['reverted']);
    } finally {
      await next.close();
    }
  });

  it('applies with the live check: the helper sends the test packets and keeps the verified deployment', async () => {
    const lab = createRouterLab('hlv');
    const client = session();
    try {
      const applied = await client.request<ApplyResult>({
        verb: 'apply',
        target: `netns:${lab.router.name}`,
        document: JSON.stringify(SAMPLE_DOC),
        documentPath: '/home/admin/steer.json',
        verify: true,
      });
      expect(applied.deployment.outcome).toBe('verified');
      expect(applied.verification?.ok).toBe(true);
      const [rule] = applied.verification!.rules;
      expect([rule!.rule, rule!.seen?.table, rule!.seen?.oif]).toEqual(['video', '100', 'r2']);
      expect(ownedTable(lab.router)).toBe(true);
    } finally {
      await client.close();
      lab.destroy();
    }
  }, 120_000);

  it('refuses to start on a state dir others may read', async () => {
    chmodSync(join(dir, 'state'), 0o755);
    try {
      await expect(session().request({ verb: 'status', target })).rejects.toThrow(
        /helper stopped \(2\): state dir .*state has mode 755; it must not be accessible by group or others/,
      );
    } finally {
      chmodSync(join(dir, 'state'), 0o700);
    }
  });
});
