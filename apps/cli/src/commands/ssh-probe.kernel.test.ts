// suggest, layout check --target and impact on a box over SSH give exactly what the same commands give when they
// read the box's namespace directly: the box's own helper probes it (rules, consumers, hazards) and lists its
// conntrack table. A real sshd in a namespace; the client runs in the lab's admin namespace.

import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSshBox, type SshBox, sendUdp } from '@markwright/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSshSuite, type SshSuite, sshSkip, steerDocument } from '../testing/ssh-suite';

const skip = sshSkip('ssh probe command-line tests', ['ip', 'nft', 'conntrack']);

// A foreign program's rule on the box that sets bits 16-23 of the packet mark, and a stateful filter that brings
// conntrack in, as on any box with a firewall.
const FOREIGN = `table inet foreign {
  chain pre {
    type filter hook prerouting priority -150; policy accept;
    meta mark set meta mark | 0x00ff0000
  }
  chain in {
    type filter hook input priority 0; policy accept;
    ct state established,related accept
  }
}
`;

describe.skipIf(skip)('suggest, layout check and impact on a box over SSH', () => {
  let lab: SshBox;
  let suite: SshSuite;
  let dir: string;
  let stateDir: string;
  let rootDir: string;
  let docPath: string;
  let clashPath: string;

  /** The command line in the lab's admin namespace, reaching the box over SSH. */
  const overSsh = (args: string[]) =>
    suite.inAdmin(lab, [...args, '--target', 'ssh:box', ...suite.sshOptions(lab)]);
  /** The same command here, reading the box's namespace directly. */
  const direct = (args: string[]) => {
    const argv = [suite.script, ...args, '--target', `netns:${lab.box.name}`, '--root-dir', rootDir];
    const r = spawnSync(process.execPath, argv, { encoding: 'utf8', timeout: 120_000 });
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  };
  const json = (r: { code: number; stdout: string; stderr: string }) => {
    if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}${r.stdout}`);
    return JSON.parse(r.stdout);
  };

  beforeAll(async () => {
    lab = await createSshBox('csp');
    suite = openSshSuite('csp');
    ({ dir, stateDir, rootDir } = suite);
    lab.box.exec(['nft', '-f', '-'], { input: FOREIGN });
    lab.box.exec(['ip', 'route', 'add', 'unreachable', 'default', 'table', '100']);
    const doc = steerDocument(6001);
    docPath = join(dir, 'steer.json');
    writeFileSync(docPath, doc);
    // A field on bits 16-17: the foreign rule writes them.
    const clash = JSON.parse(doc) as { layout: { fields: { offset: number }[] } };
    clash.layout.fields[0]!.offset = 16;
    clashPath = join(dir, 'clash.json');
    writeFileSync(clashPath, JSON.stringify(clash));
  }, 90_000);
  afterAll(() => {
    lab?.destroy();
    suite?.cleanup();
  });

  it('suggest over SSH proposes what suggest on the box itself proposes, clear of the foreign bits', () => {
    const remote = json(overSsh(['suggest', '--width', '2', '--json']));
    const local = json(direct(['suggest', '--width', '2', '--json']));
    expect({ ...remote, target: 'x' }).toEqual({ ...local, target: 'x' });
    expect(remote.target).toBe('ssh:box');
    // Bits 16-23 are taken by the foreign rule: no free run proposed overlaps them.
    for (const r of remote.fwmark as { offset: number; width: number }[]) {
      expect(r.offset + r.width <= 16 || r.offset >= 24).toBe(true);
    }
    const text = overSsh(['suggest']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^ssh:box: /);
  }, 180_000);

  it('layout check --target over SSH finds the same conflicts with the box as on the box itself', () => {
    const remote = overSsh(['layout', 'check', clashPath, '--json']);
    const local = direct(['layout', 'check', clashPath, '--json']);
    expect(remote.code).toBe(local.code);
    const conflicts = JSON.parse(remote.stdout).conflicts;
    expect(conflicts).toEqual(JSON.parse(local.stdout).conflicts);
    expect(JSON.stringify(conflicts)).toMatch(/uplink/);
    // Without the clash the box has nothing in the document's way.
    const clean = json(overSsh(['layout', 'check', docPath, '--json']));
    expect(clean.conflicts).toEqual(json(direct(['layout', 'check', docPath, '--json'])).conflicts);
  }, 180_000);

  it("impact over SSH reads the box's conntrack table: the same live connections as read on the box", () => {
    lab.box.exec(['conntrack', '-F'], { allowFail: true });
    for (const sport of [43001, 43002]) sendUdp(lab.admin, { daddr: lab.address, dport: 6001, sport });
    sendUdp(lab.admin, { daddr: lab.address, dport: 6009, sport: 43003 });
    const remote = json(overSsh(['impact', docPath, '--json']));
    const local = json(direct(['impact', docPath, '--json']));
    const flows = (report: unknown) =>
      JSON.stringify(report)
        .match(/4300[1-3]/g)
        ?.sort();
    // Both flows to port 6001 are changed by the document; the one to 6009 is not.
    expect(flows(remote)).toEqual(flows(local));
    expect(flows(remote)).toEqual(expect.arrayContaining(['43001', '43002']));
    expect(JSON.stringify(remote)).not.toMatch(/43003/);
    expect({ ...remote, target: 'x' }).toEqual({ ...local, target: 'x' });
  }, 180_000);

  it('a refused host key stops suggest and layout check before anything runs (exit 2)', () => {
    const config = join(dir, 'ssh_config_unknown');
    writeFileSync(
      config,
      `Host box\n  HostName ${lab.address}\n  User root\n  IdentityFile ${lab.userKey}\n  IdentitiesOnly yes\n  IdentityAgent none\n  UserKnownHostsFile ${join(dir, 'empty_known_hosts')}\n  GlobalKnownHostsFile /dev/null\n`,
    );
    writeFileSync(join(dir, 'empty_known_hosts'), '');
    for (const args of [['suggest'], ['layout', 'check', docPath]]) {
      const r = suite.inAdmin(lab, [
        ...args,
        '--target',
        'ssh:box',
        '--ssh-config',
        config,
        '--state-dir',
        stateDir,
      ]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/host key unknown, refused before anything ran; the box offers SHA256:/);
    }
  }, 180_000);
});
