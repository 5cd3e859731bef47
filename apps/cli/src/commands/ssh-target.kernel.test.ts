import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSshBox, Netns, type SshBox } from '@markwright/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSshSuite, type SshSuite, sshSkip, steerDocument } from '../testing/ssh-suite';

const skip = sshSkip('ssh target command-line tests', ['ip', 'nft', 'tc']);

describe.skipIf(skip)('markwright --target ssh: against a real sshd in a namespace', () => {
  let lab: SshBox;
  let other: Netns;
  let suite: SshSuite;
  let dir: string;
  // A hostile folder name: it reaches the box's helper through the remote shell untouched.
  let stateDir: string;
  let rootDir: string;
  const docs: Record<string, string> = {};

  const cli = (args: string[]) => suite.inAdmin(lab, args, 90_000);
  const ssh = (extra: string[] = []) => [
    '--target',
    'ssh:box',
    '--ssh-config',
    lab.clientConfig,
    '--state-dir',
    stateDir,
    '--root-dir',
    rootDir,
    ...extra,
  ];
  const json = (args: string[]) => {
    const r = cli([...args, '--json']);
    if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}${r.stdout}`);
    return JSON.parse(r.stdout);
  };
  const ownedRules = () => lab.box.exec(['nft', 'list', 'table', 'inet', 'markwright'], { allowFail: true });

  beforeAll(async () => {
    lab = await createSshBox('cssh');
    other = Netns.create('cssh-o');
    suite = openSshSuite('cssh', "it's $(touch pwned) `id` state");
    ({ dir, stateDir, rootDir } = suite);
    for (const [name, port, iif] of [
      ['a', 6001, 'b0'],
      ['b', 6002, 'b0'],
      ['lo', 6003, 'lo'],
    ] as const) {
      docs[name] = join(dir, `${name}.json`);
      writeFileSync(docs[name], steerDocument(port, iif, `steer-${port}`));
    }
    for (const ns of [lab.box, other])
      ns.exec(['ip', 'route', 'add', 'unreachable', 'default', 'table', '100']);
  }, 90_000);
  afterAll(() => {
    lab?.destroy();
    other?.destroy();
    suite?.cleanup();
  });

  it('apply, status, confirm, apply again, rollback and history over SSH', () => {
    const applied = json(['apply', docs.a!, ...ssh(['--confirm-timeout', '60'])]);
    expect(applied.deployment.target).toBe('ssh:box');
    expect(ownedRules().stdout).toMatch(/dport 6001/);
    expect(json(['status', ...ssh()])).toMatchObject({ target: 'ssh:box', state: 'pending' });
    expect(json(['confirm', ...ssh()])).toMatchObject({ outcome: 'confirmed' });
    // The watchdog and history live on the box, in exactly the folder named (quotes and $(...) included).
    expect(readdirSync(join(stateDir, 'local', 'deployments'))).toHaveLength(1);
    expect(existsSync(join(dir, 'pwned'))).toBe(false);

    json(['apply', docs.b!, ...ssh(['--confirm-timeout', '0'])]);
    expect(ownedRules().stdout).toMatch(/dport 6002/);
    const back = json(['rollback', ...ssh()]);
    expect(back.target).toBe('ssh:box');
    expect(ownedRules().stdout).toMatch(/dport 6001/);
    const history = json(['history', ...ssh()]) as { target: string; outcome: string }[];
    expect(history.map((h) => h.target)).toEqual(history.map(() => 'ssh:box'));
    expect(history.length).toBeGreaterThanOrEqual(3);
    const text = cli(['status', ...ssh()]);
    expect(text.stdout).toMatch(/^ssh:box: confirmed/);

    expect(cli(['uninstall', ...ssh()]).code).toBe(0);
    expect(ownedRules().code).not.toBe(0);
  }, 120_000);

  it('an unknown host key is refused before anything runs, with the fingerprint and how to accept it', () => {
    const strangerHosts = join(dir, 'empty_known_hosts');
    writeFileSync(strangerHosts, '');
    const config = join(dir, 'stranger_config');
    writeFileSync(config, `UserKnownHostsFile ${strangerHosts}\nInclude ${lab.clientConfig}\n`);
    const fresh = join(dir, 'fresh-state');
    mkdirSync(fresh, { mode: 0o700 });
    const r = cli(['apply', docs.a!, '--target', 'ssh:box', '--ssh-config', config, '--state-dir', fresh]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^markwright: ssh:box: host key unknown, refused before anything ran; the box offers SHA256:\S+ \(ED25519\)/,
    );
    expect(r.stderr).toMatch(/ssh-keyscan -p 22 198\.51\.100\.2 >> \S+empty_known_hosts/);
    expect(readdirSync(fresh)).toEqual([]);
    expect(ownedRules().code).not.toBe(0);
  }, 60_000);

  it('applies one version to several targets, canary first, and stops at the first failure', () => {
    const target = (t: string) => ['--target', t];
    const both = json([
      'apply',
      docs.lo!,
      '--canary',
      ...ssh(),
      ...target(`netns:${other.name}`),
      '--confirm-timeout',
      '60',
    ]);
    expect(both).toEqual({
      targets: [
        { target: 'ssh:box', outcome: 'confirmed', deployment: expect.any(String), confirmDeadline: null },
        {
          target: `netns:${other.name}`,
          outcome: 'pending',
          deployment: expect.any(String),
          confirmDeadline: expect.any(String),
        },
      ],
      stoppedAt: null,
    });
    const r = cli([
      'apply',
      docs.lo!,
      '--json',
      '--target',
      `netns:${other.name},netns:mw-no-such-namespace`,
      ...ssh(),
    ]);
    expect(r.code).toBe(2);
    const report = JSON.parse(r.stdout);
    expect(report.stoppedAt).toBe('netns:mw-no-such-namespace');
    expect(report.targets.map((t: { outcome: string }) => t.outcome)).toEqual([
      'pending',
      'failed',
      'skipped',
    ]);
    // History is kept per target.
    expect(
      json(['history', ...ssh()])
        .map((h: { outcome: string }) => h.outcome)
        .at(-1),
    ).toBe('confirmed');
    cli(['uninstall', ...ssh()]);
  }, 120_000);
});
