import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ApiEnvelope } from '@markwright/api';
import type { ApplyResult, DeployStatus, PlanReport, SshHostSummary } from '@markwright/core';
import { bundleRemoteHelper, SAMPLE_DOC } from '@markwright/host/testing';
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
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, createBackend, hostKeyAlias } from './index';

const skip =
  kernelSkip('app SSH host kernel tests', ['ip', 'nft', 'tc']) ??
  environmentSkip(
    'app SSH host kernel tests',
    existsSync('/usr/sbin/sshd') && existsSync('/usr/bin/ssh-agent')
      ? null
      : 'openssh-server is not installed',
  );

const TARGET = 'ssh:root@198.51.100.2';

/** The sample document for the box's own interface. */
function boxDoc(name: string) {
  const d = structuredClone(SAMPLE_DOC) as {
    name: string;
    policy: { rules: { match: Record<string, unknown> }[] };
  };
  d.name = name;
  d.policy.rules[0]!.match = { iif: 'b0', proto: 'udp', dport: 6001 };
  return d;
}

describe.skipIf(skip)('the app deploys to an SSH host it accepted (real sshd in a namespace)', () => {
  let lab: SshBox;
  let agent: SshAgent;
  let dir: string;
  let bundle: string;
  let backend: Backend;
  let savedSock: string | undefined;
  let stateDir: string;
  let rootDir: string;
  const open = () =>
    createBackend({
      dbPath: join(dir, 'markwright.db'),
      stateDir,
      rootDir,
      sshNetns: lab.admin.name,
      bundleDir: bundle,
    });
  const call = async <T>(method: string, argument?: unknown): Promise<T> => {
    const envelope: ApiEnvelope = await backend.dispatch(method, argument);
    if (!envelope.ok) throw Object.assign(new Error(envelope.error.message), envelope.error);
    return envelope.value as T;
  };
  const refusal = async (method: string, argument: unknown) => {
    const envelope = await backend.dispatch(method, argument);
    if (envelope.ok) throw new Error(`${method} was not refused`);
    return envelope.error;
  };
  const ownedTable = () =>
    lab.box.exec(['nft', 'list', 'table', 'inet', 'markwright'], { allowFail: true }).code === 0;

  beforeAll(async () => {
    lab = await createSshBox('mwah');
    dir = makeTempDir('app-ssh');
    bundle = bundleRemoteHelper(makeTempDir('app-ssh-bundle'));
    agent = await startSshAgent(dir, lab.userKey);
    // The user's agent is how the app authenticates: it never reads or stores a key itself.
    savedSock = process.env.SSH_AUTH_SOCK;
    process.env.SSH_AUTH_SOCK = agent.socket;
    lab.box.exec(['ip', 'route', 'add', 'unreachable', 'default', 'table', '100']);
    stateDir = makeTempDir('app-ssh-state');
    rootDir = makeTempDir('app-ssh-root');
    backend = open();
    await call('createLayout', { name: 'edge', document: boxDoc('edge') });
  }, 60_000);

  afterAll(() => {
    backend?.close();
    agent?.stop();
    if (savedSock === undefined) delete process.env.SSH_AUTH_SOCK;
    else process.env.SSH_AUTH_SOCK = savedSock;
    lab?.destroy();
    for (const d of [dir, bundle, stateDir, rootDir]) if (d) removeTempDir(d);
  });

  it('adding a host reads its key and shows the fingerprint ssh-keygen prints; nothing connects before it is accepted', async () => {
    const host = await call<SshHostSummary>('addSshHost', { address: 'root@198.51.100.2' });
    expect(host).toMatchObject({ target: TARGET, state: 'unverified', accepted: [] });
    expect(host.offered.map((k) => k.fingerprint)).toContain(lab.hostKeyFingerprint());
    expect((await call<string[]>('listTargets')).includes(TARGET)).toBe(false);
    const refused = await refusal('plan', { name: 'edge', target: TARGET });
    expect(refused).toMatchObject({ kind: 'conflict', field: 'target' });
    expect(refused.message).toMatch(/host key of ssh:root@198\.51\.100\.2 is not accepted yet/);
    expect(lab.sessionPids()).toEqual([]);
    expect(ownedTable()).toBe(false);
  });

  it('after accepting, plan, apply and confirm run on the box; the known_hosts the app wrote holds only that key', async () => {
    const offered = (await call<SshHostSummary[]>('listSshHosts'))[0]!.offered.map((k) => k.fingerprint);
    const host = await call<SshHostSummary>('acceptSshHostKey', { target: TARGET, fingerprints: offered });
    expect(host.state).toBe('accepted');
    expect((await call<string[]>('listTargets')).includes(TARGET)).toBe(true);
    const plan = await call<PlanReport>('plan', { name: 'edge', target: TARGET });
    expect(JSON.stringify(plan)).toMatch(/markwright/);
    const knownHosts = `${join(dir, 'markwright.db')}.known_hosts`;
    expect(statSync(knownHosts).mode & 0o777).toBe(0o600);
    const lines = readFileSync(knownHosts, 'utf8').trim().split('\n');
    expect(lines.length).toBe(offered.length);
    for (const line of lines) expect(line.startsWith(`${hostKeyAlias(TARGET)} `)).toBe(true);

    const applied = await call<ApplyResult>('apply', { name: 'edge', target: TARGET, confirmTimeout: 120 });
    expect(applied.deployment.target).toBe(TARGET);
    expect(applied.confirmDeadline).toBeTruthy();
    expect(ownedTable()).toBe(true);
    expect((await call<DeployStatus>('status', { target: TARGET })).state).toBe('pending');
    expect(await call('keepWrites', { target: TARGET })).toMatchObject({ target: TARGET });
    await call('confirm', { target: TARGET });
    expect((await call<DeployStatus>('status', { target: TARGET })).state).toBe('confirmed');
    const history = await call<{ outcome: string; layoutName: string; live: boolean }[]>('history', {
      target: TARGET,
    });
    expect(history.at(-1)).toMatchObject({ outcome: 'confirmed', layoutName: 'edge', live: true });
  }, 180_000);

  it('removing a host with a live deployment is refused naming it', async () => {
    const refused = await refusal('removeSshHost', { target: TARGET });
    expect(refused).toMatchObject({ kind: 'conflict', field: 'target' });
    expect(refused.message).toMatch(/live deployment \(layout edge v1\): uninstall it there first/);
  }, 60_000);

  it('a changed host key is refused before anything runs, with both fingerprints, until the new one is accepted', async () => {
    const old = lab.hostKeyFingerprint();
    lab.rekey();
    const fresh = lab.hostKeyFingerprint();
    expect(fresh).not.toBe(old);
    // The app starts again (the connection it held was made with the old key); its next connection is refused.
    backend.close();
    backend = open();
    const error = await refusal('plan', { name: 'edge', target: TARGET });
    expect(error.kind).toBe('environment');
    expect(error.message).toContain(`accepted ${old}`);
    expect(error.message).toContain(`offers ${fresh}`);
    expect(error.message).toMatch(/host key CHANGED, refused before anything ran/);
    expect(ownedTable()).toBe(true);
    const hosts = await call<SshHostSummary[]>('listSshHosts');
    expect(hosts[0]).toMatchObject({ state: 'changed' });
    expect(hosts[0]!.offered.map((k) => k.fingerprint)).toContain(fresh);
    await call('acceptSshHostKey', {
      target: TARGET,
      fingerprints: hosts[0]!.offered.map((k) => k.fingerprint),
    });
    await call('uninstall', { target: TARGET });
    expect(ownedTable()).toBe(false);
    await call('removeSshHost', { target: TARGET });
    expect(await call('listSshHosts')).toEqual([]);
    expect((await call<string[]>('listTargets')).includes(TARGET)).toBe(false);
  }, 180_000);
});
