import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseSshTarget } from '@markwright/core';
import {
  createSshBox,
  environmentSkip,
  hasCommand,
  kernelSkip,
  makeTempDir,
  removeTempDir,
  type SshBox,
  waitFor,
} from '@markwright/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleRemoteHelper } from '../testing/helper-bundle';
import { HOSTILE } from '../testing/hostile-args';
import { SAMPLE_DOC } from '../testing/sample-doc';
import type { ApplyResult, DeployStatus } from '../types';
import { HostKeyError } from './host-key';
import { RemoteSession, withRemoteSession } from './remote-client';

const skip =
  kernelSkip('ssh target kernel tests', ['ip', 'nft', 'tc']) ??
  environmentSkip(
    'ssh target kernel tests',
    ['ssh', 'sshd', 'ssh-keygen', 'ssh-keyscan', 'unshare'].every(hasCommand) || existsSync('/usr/sbin/sshd')
      ? null
      : 'openssh-server and openssh-client are not installed',
  );

/** The sample document for the box's own interface. */
const doc = () => {
  const d = structuredClone(SAMPLE_DOC) as { policy: { rules: { match: Record<string, unknown> }[] } };
  d.policy.rules[0]!.match = { iif: 'b0', proto: 'udp', dport: 6001 };
  return JSON.stringify(d);
};

describe.skipIf(skip)('a box over SSH (real sshd in a namespace)', () => {
  let lab: SshBox;
  let bundle: string;
  let stateDir: string;
  let rootDir: string;
  const target = parseSshTarget('ssh:box');
  const options = () => ({
    configFile: lab.clientConfig,
    netns: lab.admin.name,
    stateDir,
    rootDir,
    bundleDir: bundle,
  });
  const ownedTable = () =>
    lab.box.exec(['nft', 'list', 'table', 'inet', 'markwright'], { allowFail: true }).code === 0;

  beforeAll(async () => {
    lab = await createSshBox('ssh');
    bundle = bundleRemoteHelper(makeTempDir('ssh-bundle'));
    stateDir = makeTempDir('ssh-state');
    rootDir = makeTempDir('ssh-root');
    lab.box.exec(['ip', 'route', 'add', 'unreachable', 'default', 'table', '100']);
  }, 60_000);
  afterAll(() => {
    lab?.destroy();
    for (const d of [bundle, stateDir, rootDir]) if (d) removeTempDir(d);
  });

  it('copies its helper to the box once and runs apply, status and confirm there', async () => {
    await withRemoteSession(target, options(), async (s) => {
      const applied = await s.request<ApplyResult>({ verb: 'apply', document: doc(), confirmTimeout: 60 });
      expect(s.helper).toMatchObject({ via: 'bundle', elevation: 'root' });
      expect(applied.confirmDeadline).toBeTruthy();
      expect(ownedTable()).toBe(true);
      // The rules are in the box's namespace, not the admin's.
      expect(lab.admin.exec(['nft', 'list', 'tables']).stdout).not.toMatch(/markwright/);
      const st = await s.request<DeployStatus>({ verb: 'status' });
      expect(st.state).toBe('pending');
      await s.request({ verb: 'confirm' });
    });
    expect(readdirSync(join(stateDir, 'cli'))).toHaveLength(1);
    await withRemoteSession(target, options(), async (s) => {
      expect((await s.request<DeployStatus>({ verb: 'status' })).state).toBe('confirmed');
      await s.request({ verb: 'uninstall' });
    });
    expect(ownedTable()).toBe(false);
  }, 60_000);

  it('passes hostile arguments to the box untouched by its shell', async () => {
    await withRemoteSession(target, options(), async (s) => {
      await s.ssh.open();
      const r = await s.ssh.run(['printf', '%s\\0', ...HOSTILE]);
      expect(r.code).toBe(0);
      expect(r.stdout.split('\0').slice(0, -1)).toEqual(HOSTILE);
    });
  }, 30_000);

  it('killing the connection during the countdown still reverts on the box at the deadline', async () => {
    const s = new RemoteSession(target, options());
    try {
      await s.request({ verb: 'apply', document: doc(), confirmTimeout: 3 });
      expect(ownedTable()).toBe(true);
      const master = await s.ssh.masterPid();
      expect(master).toBeGreaterThan(0);
      process.kill(master!, 'SIGKILL');
      for (const pid of lab.sessionPids()) process.kill(pid, 'SIGKILL');
    } finally {
      await s.close();
    }
    await waitFor(() => !ownedTable(), 15_000, 'the box to revert by itself');
    const after = await withRemoteSession(target, options(), (r) =>
      r.request<DeployStatus>({ verb: 'status' }),
    );
    // Reconnecting shows what the box did meanwhile.
    expect(after.pending).toBeNull();
    expect(after.newest).toMatchObject({ outcome: 'reverted', target: 'ssh:box' });
  }, 60_000);

  it('refuses a changed host key before anything runs, showing the new fingerprint', async () => {
    const fresh = makeTempDir('ssh-state2');
    lab.rekey();
    try {
      const err = await withRemoteSession(target, { ...options(), stateDir: fresh }, (s) =>
        s.request({ verb: 'status' }),
      ).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HostKeyError);
      expect((err as HostKeyError).change).toBe('changed');
      expect((err as Error).message).toMatch(
        /host key CHANGED, refused before anything ran; the box offers SHA256:\S+ \(ED25519\)/,
      );
      expect((err as Error).message).toMatch(/ssh-keygen -f \S+known_hosts -R/);
      // Nothing reached the box: no bundle copied, no state written.
      expect(readdirSync(fresh)).toEqual([]);
    } finally {
      removeTempDir(fresh);
    }
  }, 60_000);
});
