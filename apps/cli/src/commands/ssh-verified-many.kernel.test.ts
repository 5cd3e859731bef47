import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSshBox, link, Netns, type SshBox } from '@markwright/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSshSuite, type SshSuite, sshSkip, steerDocument } from '../testing/ssh-suite';

const skip = sshSkip('verified multi-target tests', ['ip', 'nft', 'tc', 'python3']);

// Another program's rule that zeroes the whole mark after Markwright's: the box does not do what the document says.
const OVERWRITE =
  'table ip zeroer {\n  chain pre {\n    type filter hook prerouting priority -140; policy accept;\n    meta mark set 0x0\n  }\n}\n';

describe.skipIf(skip)('apply --confirm-when-verified to several targets', () => {
  let lab: SshBox;
  let other: Netns;
  let peer: Netns;
  let suite: SshSuite;
  let dir: string;
  let docPath: string;
  let otherTarget: string;

  const cli = (args: string[]) => suite.inAdmin(lab, [...args, ...suite.sshOptions(lab)], 300_000);
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
    // The box's folders and the local target's are kept apart (the box is this machine too).
    suite = openSshSuite('cvm');
    ({ dir } = suite);
    for (const ns of [lab.box, other])
      ns.exec(['ip', 'route', 'add', 'unreachable', 'default', 'table', '100']);
    docPath = join(dir, 'steer.json');
    writeFileSync(docPath, steerDocument(6001));
  }, 90_000);
  afterAll(() => {
    lab?.destroy();
    other?.destroy();
    peer?.destroy();
    suite?.cleanup();
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
