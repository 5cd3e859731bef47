// The Debian package as an administrator meets it: built from this checkout, installed with apt, run from
// /usr/bin/markwright outside any checkout, by root and by normal users who elevate through polkit, then
// purged. The users, the polkit rule, the daemons and the namespace are the test's own and removed after it.

import { type SpawnSyncReturns, spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { environmentSkip, kernelSkipReason, Netns } from '@markwright/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { steerDocument } from '../fixtures/documents';
import { ownedKernelState } from '../harness/kernel';
import { repoRoot } from '../harness/paths';
import { createPolkitLab, type PolkitLab, polkitSkipReason, type TestUser } from '../harness/polkit';
import {
  HELPER_DIRS_FILE,
  INSTALLED_CLI,
  type InstalledPackage,
  installPackage,
  packageSkipReason,
} from '../harness/system-package';

const skip = environmentSkip(
  'the installed package flow',
  kernelSkipReason(['ip', 'nft']) ?? packageSkipReason() ?? polkitSkipReason(),
);

const RESTORE_TEMPLATE = '/usr/lib/systemd/system/markwright-restore@.service';

/** A desktop user's environment: no /usr/sbin on PATH, nothing of the test's. */
const userEnv = (user: TestUser) => ({
  PATH: '/usr/local/bin:/usr/bin:/bin',
  HOME: user.dir,
  LANG: 'C.UTF-8',
  USER: user.name,
});

function as(user: TestUser | null, argv: readonly string[]): SpawnSyncReturns<string> {
  return spawnSync(argv[0]!, argv.slice(1), {
    encoding: 'utf8',
    timeout: 120_000,
    cwd: user?.dir ?? '/',
    ...(user ? { uid: user.uid, gid: user.gid, env: userEnv(user) } : { env: { PATH: '/usr/bin:/bin' } }),
  });
}

describe.skipIf(Boolean(skip))('the Debian package, installed and removed', () => {
  let pkg: InstalledPackage | undefined;
  let lab: PolkitLab | undefined;
  let ns: Netns | undefined;
  let work: string;
  let target: string;
  const docFor = (user: TestUser) => join(user.dir, 'steer.json');

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'markwright-pkg-'));
    chmodSync(work, 0o755);
    mkdirSync(join(work, 'helper-state'), { mode: 0o700 });
    mkdirSync(join(work, 'helper-root'), { mode: 0o755 });
    pkg = installPackage();
    // The helper's folders, moved by root into this test's private folders (never /var/lib or /etc here).
    writeFileSync(
      HELPER_DIRS_FILE,
      JSON.stringify({ stateDir: join(work, 'helper-state'), rootDir: join(work, 'helper-root') }),
      { mode: 0o644 },
    );
    lab = createPolkitLab('pk');
    ns = Netns.create('pkg');
    target = `netns:${ns.name}`;
    for (const user of [lab.allowed, lab.refused]) {
      writeFileSync(docFor(user), JSON.stringify(steerDocument('steer', 6301)), { mode: 0o644 });
    }
  }, 600_000);

  afterAll(() => {
    ns?.destroy();
    lab?.dispose();
    try {
      pkg?.remove();
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }, 300_000);

  it('runs from /usr/bin/markwright outside any checkout: --version, and --help as a manual', () => {
    const version = JSON.parse(readFileSync(join(repoRoot, 'apps/cli/package.json'), 'utf8')).version;
    const v = as(null, [INSTALLED_CLI, '--version']);
    expect([v.status, v.stdout]).toEqual([0, `markwright ${version}\n`]);
    const help = as(null, [INSTALLED_CLI, '--help']);
    expect(help.status).toBe(0);
    for (const part of [
      'COMMANDS',
      'DEPLOY OPTIONS',
      'PRIVILEGE',
      'EXIT STATUS',
      'FILES',
      'org.markwright.manage',
    ])
      expect(help.stdout).toContain(part);
    // The restore unit is the template, one instance per target (markwright-restore@<key>.service).
    expect(readFileSync(RESTORE_TEMPLATE, 'utf8')).toBe(
      readFileSync(join(repoRoot, 'packaging/systemd/markwright-restore@.service'), 'utf8'),
    );
    expect(existsSync('/usr/lib/systemd/system/markwright-restore.service')).toBe(false);
    console.log(
      `package: ${pkg!.deb} ${Math.ceil(statSync(pkg!.deb).size / 1024)} KiB, apt install ${pkg!.installSeconds.toFixed(1)} s`,
    );
  });

  it('root deploys to a namespace from /usr/bin/markwright and removes it again', () => {
    const dirs = ['--state-dir', join(work, 'root-state'), '--root-dir', join(work, 'root-root')];
    mkdirSync(join(work, 'root-root'), { recursive: true });
    const applied = as(null, [
      INSTALLED_CLI,
      'apply',
      docFor(lab!.allowed),
      '--target',
      target,
      '--confirm-timeout',
      '0',
      ...dirs,
    ]);
    expect(applied.stderr).toBe('');
    expect(applied.status).toBe(0);
    expect(ownedKernelState(ns!).table).toMatch(/udp dport 6301/);
    expect(ownedKernelState(ns!).ipRules.join('\n')).toMatch(/fwmark 0x200\/0x300 lookup 100/);
    expect(as(null, [INSTALLED_CLI, 'uninstall', '--target', target, ...dirs]).status).toBe(0);
    expect(ownedKernelState(ns!)).toEqual({ table: null, ipRules: [] });
  });

  it('a user polkit does not allow gets "not authorised" (exit 2) and nothing changes', () => {
    const before = ownedKernelState(ns!);
    const r = as(lab!.refused, [INSTALLED_CLI, 'apply', docFor(lab!.refused), '--target', target]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^markwright: not authorised: polkit refused org\.markwright\.manage/);
    expect(r.stdout).toBe('');
    expect(ownedKernelState(ns!)).toEqual(before);
    // Reading the status is privileged too (root's 0700 state): refused the same way, never an empty answer.
    const status = as(lab!.refused, [INSTALLED_CLI, 'status', '--target', target, '--json']);
    expect([status.status, status.stdout]).toEqual([2, '']);
  });

  it('an allowed user applies, confirms and uninstalls through the helper, with no /usr/sbin on PATH', () => {
    const user = lab!.allowed;
    const applied = as(user, [
      INSTALLED_CLI,
      'apply',
      docFor(user),
      '--target',
      target,
      '--confirm-timeout',
      '60',
      '--json',
    ]);
    expect(applied.stderr).toBe('');
    expect(applied.status).toBe(0);
    const result = JSON.parse(applied.stdout);
    expect(result.deployment.outcome).toBe('pending');
    expect(result.deployment.document).toBe(docFor(user));
    expect(ownedKernelState(ns!).table).toMatch(/udp dport 6301/);
    const status = JSON.parse(as(user, [INSTALLED_CLI, 'status', '--target', target, '--json']).stdout);
    expect(status.pending.id).toBe(result.deployment.id);
    const confirmed = as(user, [INSTALLED_CLI, 'confirm', '--target', target]);
    expect([confirmed.status, confirmed.stderr]).toEqual([0, '']);
    // The helper wrote into its fixed (here: root-moved) folders, as root, 0700: never where the user chose.
    const stateDir = join(work, 'helper-state', `netns-${ns!.name}`);
    expect(statSync(stateDir).uid).toBe(0);
    const history = JSON.parse(as(user, [INSTALLED_CLI, 'history', '--target', target, '--json']).stdout);
    expect(history.map((d: { outcome: string }) => d.outcome)).toEqual(['confirmed']);
    expect(as(user, [INSTALLED_CLI, 'uninstall', '--target', target]).status).toBe(0);
    expect(ownedKernelState(ns!)).toEqual({ table: null, ipRules: [] });
  });

  it("a normal user chooses neither the helper's folders nor its arguments", () => {
    const user = lab!.allowed;
    const chosen = as(user, [INSTALLED_CLI, 'status', '--target', target, '--state-dir', user.dir]);
    expect(chosen.status).toBe(1);
    expect(chosen.stderr).toMatch(/--state-dir: can only be chosen when running as root/);
    const direct = as(user, [
      '/usr/bin/pkexec',
      '/usr/lib/markwright/markwright-helper',
      '--state-dir',
      user.dir,
    ]);
    expect(direct.status).toBe(2);
    expect(direct.stderr).toMatch(/markwright-helper: takes no arguments/);
    // The old path, node run as root on a script the caller names, is no longer an action polkit knows.
    const node = as(user, ['/usr/bin/pkexec', '/usr/bin/node', '-e', 'process.exit(0)']);
    expect(node.status).not.toBe(0);
  });

  it('serves the app from the package as a normal user', async () => {
    const user = lab!.allowed;
    const child = spawn(INSTALLED_CLI, ['serve', '--port', '0', '--db', join(user.dir, 'app.db')], {
      uid: user.uid,
      gid: user.gid,
      env: userEnv(user),
      cwd: user.dir,
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        let err = '';
        child.stdout.setEncoding('utf8').on('data', (c: string) => {
          out += c;
          const m = /serving at (http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
          if (m) resolve(m[1]!);
        });
        child.stderr.setEncoding('utf8').on('data', (c: string) => {
          err += c;
        });
        child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
      });
      const page = await fetch(`${url}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toMatch(/<title>Markwright<\/title>/);
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('is removed cleanly: no file of the package is left', () => {
    const { seconds } = pkg!.remove();
    console.log(`package: apt purge ${seconds.toFixed(1)} s`);
    expect(spawnSync('/usr/bin/dpkg-query', ['-W', 'markwright']).status).not.toBe(0);
    expect(existsSync(RESTORE_TEMPLATE)).toBe(false);
  });
});
