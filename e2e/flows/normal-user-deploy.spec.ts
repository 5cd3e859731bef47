// The desktop admin as a normal user: the installed app runs in serve mode as an unprivileged account and
// deploys to the lab's router namespace through the privileged helper, allowed by a polkit rule (one helper
// for the whole session: the countdown's status reads and Keep reuse it). A second account without the rule
// sees "not authorised" in the app and nothing on the box changes. Users, rule, daemons, namespaces and the
// package are the test's own and removed afterwards, also when it fails.

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRouterLab, environmentSkip, kernelSkipReason, type RouterLab } from '@markwright/testkit';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { steerDocument } from '../fixtures/documents';
import {
  applyWithCountdown,
  countdownBelow,
  keepDeployment,
  openDeployTarget,
  planDeploy,
} from '../harness/deploy-ui';
import { ownedKernelState, uplinkFor } from '../harness/kernel';
import { VIEWPORT, waitForApp } from '../harness/launcher';
import { CHROMIUM } from '../harness/paths';
import { createPolkitLab, type PolkitLab, polkitSkipReason, type TestUser } from '../harness/polkit';
import {
  HELPER_DIRS_FILE,
  INSTALLED_CLI,
  type InstalledPackage,
  installPackage,
  packageSkipReason,
} from '../harness/system-package';
import { importDocument, showView, UI_TIMEOUT, waitForText, waitIdle } from '../harness/ui';

const PORT = 6401;
const skip = environmentSkip(
  'the normal-user deploy flow',
  kernelSkipReason(['ip', 'nft', 'conntrack']) ??
    packageSkipReason() ??
    polkitSkipReason() ??
    (existsSync(CHROMIUM) ? null : `needs Debian Chromium at ${CHROMIUM}`),
);

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-sync'];

interface UserApp {
  readonly child: ChildProcess;
  readonly url: string;
}

/** `markwright serve` from the package, as `user`, with a desktop user's environment (no /usr/sbin). */
function serveAs(user: TestUser): Promise<UserApp> {
  const child = spawn(INSTALLED_CLI, ['serve', '--port', '0', '--db', join(user.dir, 'markwright.db')], {
    uid: user.uid,
    gid: user.gid,
    cwd: user.dir,
    env: { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: user.dir, USER: user.name, LANG: 'C.UTF-8' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.setEncoding('utf8').on('data', (c: string) => {
      out += c;
      const m = /serving at (http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]+)/.exec(out);
      if (m) resolve({ child, url: m[1]! });
    });
    child.stderr!.setEncoding('utf8').on('data', (c: string) => {
      err += c;
    });
    child.once('exit', (code) => reject(new Error(`serve as ${user.name} exited ${code}: ${err}`)));
  });
}

function stop(app: UserApp | undefined): Promise<void> {
  const child = app?.child;
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Root processes running the packaged helper: one per app session that needed privilege. */
function helperProcesses(): number {
  const ps = spawnSync('/usr/bin/ps', ['-eo', 'user=,args='], { encoding: 'utf8' }).stdout;
  return ps
    .split('\n')
    .filter((l) => /^root\s+\/usr\/bin\/node \/usr\/lib\/markwright\/cli\/dist\/helper\.mjs/.test(l)).length;
}

describe.skipIf(Boolean(skip))('a normal user deploys through polkit from the installed app', () => {
  let pkg: InstalledPackage | undefined;
  let polkit: PolkitLab | undefined;
  let lab: RouterLab | undefined;
  let browser: Browser | undefined;
  let apps: UserApp[] = [];
  let work: string;
  let target: string;

  async function openAs(user: TestUser): Promise<Page> {
    const app = await serveAs(user);
    apps.push(app);
    const page = await (await browser!.newContext({ viewport: VIEWPORT })).newPage();
    await page.goto(app.url);
    await waitForApp(page);
    return page;
  }

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'markwright-e2e-user-'));
    mkdirSync(join(work, 'state'), { mode: 0o700 });
    mkdirSync(join(work, 'root'), { mode: 0o755 });
    pkg = installPackage();
    // The helper keeps this flow's deployments in its private folders, never /var/lib or /etc.
    writeFileSync(
      HELPER_DIRS_FILE,
      JSON.stringify({ stateDir: join(work, 'state'), rootDir: join(work, 'root') }),
    );
    polkit = createPolkitLab('nu');
    lab = createRouterLab('nu');
    target = `netns:${lab.router.name}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  }, 600_000);

  afterAll(async () => {
    await browser?.close().catch(() => {});
    for (const app of apps) await stop(app);
    apps = [];
    lab?.destroy();
    polkit?.dispose();
    try {
      pkg?.remove();
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }, 300_000);

  it('the allowed user probes, plans, applies with a countdown and keeps it; the router routes by the layout', async () => {
    const page = await openAs(polkit!.allowed);
    await importDocument(page, steerDocument('steer', PORT));
    await openDeployTarget(page, target);
    await page.getByTestId('probe').click();
    await waitForText(page.getByTestId('probe-summary'), /no table, 0 ip rules, 0 tc filters/);
    await planDeploy(page);
    await waitForText(page.getByTestId('plan-check'), 'nft check: ok');
    expect(uplinkFor(lab!, PORT)).toBe('uplink1');
    const start = await applyWithCountdown(page, 60);
    await countdownBelow(page, start);
    expect(uplinkFor(lab!, PORT)).toBe('uplink2');
    // Seconds of countdown polled the status: still the one helper started for this session.
    expect(helperProcesses()).toBe(1);
    const id = await keepDeployment(page);
    await waitForText(page.getByTestId(`history-${id}-outcome`), 'confirmed');
    expect(uplinkFor(lab!, PORT)).toBe('uplink2');
    expect(ownedKernelState(lab!.router).ipRules.join('\n')).toMatch(/fwmark 0x200\/0x300 lookup 100/);
    expect(readdirSync(join(work, 'state'))).toContain(`netns-${lab!.router.name}`);
  });

  it('the user without the rule gets "not authorised" in the app, and nothing changes', async () => {
    const before = ownedKernelState(lab!.router);
    const historyBefore = readdirSync(join(work, 'state', `netns-${lab!.router.name}`, 'deployments')).sort();
    const page = await openAs(polkit!.refused);
    await importDocument(page, steerDocument('steer-too', PORT + 1));
    await showView(page, 'deploy');
    await page.getByTestId('target').selectOption(target, { timeout: UI_TIMEOUT });
    await waitIdle(page);
    await page.getByTestId('probe').click();
    await waitForText(page.getByTestId('status'), /not authorised: polkit refused org\.markwright\.manage/);
    expect(await page.getByTestId('probe-summary').count()).toBe(0);
    await page.getByTestId('plan').click();
    await waitForText(page.getByTestId('status'), /Planning.*not authorised/);
    expect(await page.getByTestId('plan-report').count()).toBe(0);
    expect(ownedKernelState(lab!.router)).toEqual(before);
    expect(readdirSync(join(work, 'state', `netns-${lab!.router.name}`, 'deployments')).sort()).toEqual(
      historyBefore,
    );
    expect(uplinkFor(lab!, PORT + 1)).toBe('uplink1');
  });
});
