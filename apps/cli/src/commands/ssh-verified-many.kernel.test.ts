// apply --confirm-when-verified to several targets: each target is checked live right after its apply and kept
// (verified) or reverted before the next one is touched; the first disagreement stops the run with exit 3 and the
// rest are skipped; history is kept per target. A box over SSH (a real sshd in a namespace) and a local namespace.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleRemoteHelper, SAMPLE_DOC } from '@markwright/host/testing';
import {
  createSshBox,
  environmentSkip,
  kernelSkip,
  link,
  makeTempDir,
  Netns,
  removeTempDir,
  type SshBox,
} from '@markwright/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleMain } from '../testing/cli-bundle';

const skip =
  kernelSkip('verified multi-target tests', ['ip', 'nft', 'tc', 'python3']) ??
  environmentSkip(
    'verified multi-target tests',
    existsSync('/usr/sbin/sshd') && existsSync('/usr/bin/ssh') ? null : 'openssh-server is not installed',
  );

// Another program's rule that zeroes the whole mark after Markwright's: the box does not do what the document says.
const OVERWRITE =
  'table ip zeroer {\n  chain pre {\n    type filter hook prerouting priority -140; policy accept;\n    meta mark set 0x0\n  }\n}\n';

describe.skipIf(skip)('apply --confirm-when-verified to several targets', () => {
  let lab: SshBox;
  let other: Netns;
  let peer: Netns;
  let dir: string;
  let bundle: { script: string; dir: string };
  let stateDir: string;
  let rootDir: string;
  let docPath: string;
  let otherTarget: string;

  const cli = (args: string[]) => {
    const r = spawnSync(
      'ip',
      [
        'netns',
        'exec',
        lab.admin.name,
        process.execPath,
        bundle.script,
        ...args,
        '--ssh-config',
        lab.clientConfig,
        '--state-dir',
        stateDir,
        '--root-dir',
        rootDir,
      ],
      { encoding: 'utf8', timeout: 300_000 },
    );
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  };
  const history = (target: string) => {
    const r = cli(['history', '--target', target, '--json']);
    if (r.code !== 0) throw new Error(`history exit ${r.code}: ${r.stderr}`);
    return (JSON.parse(r.stdout) as { outcome: string }[]).map((h) => h.outcome);
  };
  const owned = (ns: Netns) =>
    ns.exec(['nft', 'list', 'table', 'inet', 'markwright'], { allowFail: true }).stdout;

  beforeAll(async () => {
    lab = await createSshBox('cvm');
    // A local namespace with the same interface name as the box (b0), so one document fits both.
    other = Netns.create('cvm-o');
    peer = Netns.create('cvm-p');
    link(peer, 'p0', '192.0.2.1/24', other, 'b0', '192.0.2.2/24');
    otherTarget = `netns:${other.name}`;
    dir = makeTempDir('cvm');
    bundle = bundleMain();
    bundleRemoteHelper(bundle.dir);
    // The box's folders and the local target's are kept apart (the box is this machine too).
    stateDir = join(dir, 'state');
    rootDir = join(dir, 'root');
    mkdirSync(stateDir, { mode: 0o700 });
    mkdirSync(rootDir);
    for (const ns of [lab.box, other])
      ns.exec(['ip', 'route', 'add', 'unreachable', 'default', 'table', '100']);
    const doc = structuredClone(SAMPLE_DOC) as { policy: { rules: { match: Record<string, unknown> }[] } };
    doc.policy.rules[0]!.match = { iif: 'b0', proto: 'udp', dport: 6001 };
    docPath = join(dir, 'steer.json');
    writeFileSync(docPath, JSON.stringify(doc));
  }, 90_000);
  afterAll(() => {
    lab?.destroy();
    other?.destroy();
    peer?.destroy();
    if (bundle) removeTempDir(bundle.dir);
    if (dir) removeTempDir(dir);
  });

  it('checks and keeps each target before the next: both verified, history per target', () => {
    const r = cli([
      'apply',
      docPath,
      '--target',
      `ssh:box,${otherTarget}`,
      '--confirm-when-verified',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.stoppedAt).toBeNull();
    expect(report.targets).toEqual([
      expect.objectContaining({ target: 'ssh:box', outcome: 'verified', confirmDeadline: null }),
      expect.objectContaining({ target: otherTarget, outcome: 'verified', confirmDeadline: null }),
    ]);
    for (const t of report.targets) expect(t.verification).toMatchObject({ ok: true, disagreements: [] });
    expect(owned(lab.box)).toMatch(/dport 6001/);
    expect(owned(other)).toMatch(/dport 6001/);
    expect(history('ssh:box').at(-1)).toBe('verified');
    expect(history(otherTarget).at(-1)).toBe('verified');
  }, 300_000);

  it('stops at the first target that disagrees: reverted there (exit 3), the rest skipped, the first kept', () => {
    // With the mark zeroed the packet misses table 100 and is forwarded by the main table's default route instead.
    other.nft(OVERWRITE);
    other.exec(['ip', 'route', 'add', 'default', 'via', '192.0.2.1']);
    other.exec(['sysctl', '-qw', 'net.ipv4.ip_forward=1']);
    const before = owned(other);
    const r = cli([
      'apply',
      docPath,
      '--target',
      `ssh:box,${otherTarget},netns:mw-never-reached`,
      '--confirm-when-verified',
      '--json',
    ]);
    expect(r.code, `${r.stderr}${r.stdout}`).toBe(3);
    const report = JSON.parse(r.stdout);
    expect(report.stoppedAt).toBe(otherTarget);
    expect(report.targets.map((t: { outcome: string }) => t.outcome)).toEqual([
      'verified',
      'reverted-by-verification',
      'skipped',
    ]);
    expect(report.targets[1].verification.disagreements).toContainEqual({
      rule: 'video',
      field: 'verdict',
      expected: 'dropped',
      seen: 'leaves by b0',
    });
    // The disagreeing target is as it was before this apply; the box keeps what was verified there.
    expect(owned(other)).toBe(before);
    expect(history(otherTarget).slice(-2)).toEqual(['verified', 'reverted-by-verification']);
    expect(history('ssh:box').slice(-2)).toEqual(['verified', 'verified']);

    const text = cli(['apply', docPath, '--target', `ssh:box,${otherTarget}`, '--confirm-when-verified']);
    expect(text.code).toBe(3);
    expect(text.stdout).toMatch(/ssh:box: verified /);
    expect(text.stdout).toMatch(/verdict: expected dropped, seen leaves by b0/);
    expect(text.stderr).toMatch(/the box did not do what the document says \(reverted\)/);
  }, 300_000);
});
