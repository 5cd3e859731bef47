import { mkdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { checkReport, type DetectedConsumer } from '@markwright/core';
import { makeTempDir, removeTempDir } from '@markwright/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeRunner } from '../exec/fake-runner';
import { signFiles } from './box-files';
import { consumerVersions } from './consumer-versions';
import { runningProcesses, systemEvidence, targetNamespace, withPresence } from './system-evidence';

let root: string;
const put = (path: string, text: string) => {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
};
/** A process with its comm and the network namespace it runs in. */
const proc = (pid: number, comm: string, netns: string) => {
  put(`/proc/${pid}/comm`, `${comm}\n`);
  mkdirSync(join(root, `/proc/${pid}/ns`), { recursive: true });
  symlinkSync(netns, join(root, `/proc/${pid}/ns/net`));
};
const HOST_NS = 'net:[4026531840]';
beforeEach(() => {
  root = makeTempDir('mw-presence-');
});
afterEach(() => removeTempDir(root));

const none: DetectedConsumer[] = [];

describe('presence read from a private root', () => {
  it('reads processes from proc and the files the signs name, state files only by their presence', () => {
    proc(1, 'init', HOST_NS);
    proc(4242, 'tailscaled', HOST_NS);
    put('/proc/self-not-a-pid/comm', 'kube-proxy\n');
    put('/etc/wireguard/wg0.conf', '[Interface]\nFwMark = 0xca6c\n');
    put('/etc/wireguard/notes.txt', 'FwMark = 1\n');
    put('/etc/config/mwan3', "config globals 'globals'\n");
    put('/var/lib/tailscale/tailscaled.state', '{"_machinekey":"secret"}');
    put('/etc/cni/net.d/10-calico.conflist', '{"plugins":[{"type":"calico"}]}');
    expect(runningProcesses(root, null)).toEqual(['init', 'tailscaled']);
    const files = signFiles(root);
    expect(files.configs.map((f) => f.path).sort()).toEqual([
      '/etc/cni/net.d/10-calico.conflist',
      '/etc/config/mwan3',
      '/etc/wireguard/wg0.conf',
    ]);
    expect(files.present).toEqual(['/var/lib/tailscale/tailscaled.state']);
    // The state file's text (keys) is never read.
    expect(JSON.stringify(files)).not.toContain('secret');
  });

  it('adds what processes, interfaces, files and packages show to the consumers found in rules', () => {
    // No /proc/self here: with the namespace unknown, every process counts for the local target.
    proc(7, 'kube-proxy', HOST_NS);
    put('/etc/wireguard/wg1.conf', '[Interface]\n[Peer]\nAllowedIPs = 0.0.0.0/0\n');
    put('/var/lib/dpkg/status', 'Package: firehol\nStatus: install ok installed\nVersion: 3.1.7+ds-2\n');
    const rules = [
      {
        consumer: 'kube-proxy',
        evidence: ['ip nat KUBE-MARK-MASQ #1: KUBE-MARK-MASQ'],
        fwmarkBits: '0x00004000',
        ctmarkBits: '0x00000000',
      },
    ];
    const seen = systemEvidence(root, ['lo', 'tailscale0'], { kind: 'local' });
    expect(withPresence(rules, seen.system)).toEqual([
      {
        consumer: 'kube-proxy',
        evidence: ['ip nat KUBE-MARK-MASQ #1: KUBE-MARK-MASQ', 'process kube-proxy'],
        fwmarkBits: '0x00004000',
        ctmarkBits: '0x00000000',
      },
      ...[
        ['tailscale', 'interface tailscale0'],
        ['wg-quick', '/etc/wireguard/wg1.conf: AllowedIPs = 0.0.0.0/0 (wg-quick sets fwmark 51820)'],
        ['firehol', 'package firehol 3.1.7+ds-2 (dpkg)'],
      ].map(([consumer, evidence]) => ({
        consumer,
        evidence: [evidence],
        fwmarkBits: '0x00000000',
        ctmarkBits: '0x00000000',
      })),
    ]);
  });
});

describe('presence for a namespace target', () => {
  beforeEach(() => {
    put('/run/netns/edge', '');
    put('/etc/config/mwan3', "config globals 'globals'\n");
    put('/var/lib/dpkg/status', 'Package: tailscale\nStatus: install ok installed\nVersion: 1.98.2\n');
  });
  const edgeNs = () => `net:[${statSync(join(root, '/run/netns/edge')).ino}]`;

  it("counts the namespace's interfaces and the processes running in it, not the host's files or packages", () => {
    proc(10, 'tailscaled', HOST_NS);
    proc(11, 'nordvpnd', edgeNs());
    expect(targetNamespace(root, { kind: 'netns', name: 'edge' })).toBe(edgeNs());
    const seen = systemEvidence(root, ['wt0'], { kind: 'netns', name: 'edge' });
    expect(seen.system.processes).toEqual(['nordvpnd']);
    expect(seen.system.configs).toEqual([]);
    expect(seen.system.packages).toEqual([]);
    // The host's binaries still tell the versions, should the consumer run in the namespace.
    expect(seen.packageVersions.map((v) => v.evidence)).toEqual(['package tailscale 1.98.2 (dpkg)']);
    const found = withPresence(none, seen.system);
    expect(found.map((c) => [c.consumer, c.evidence])).toEqual([
      ['nordvpn', ['process nordvpnd']],
      ['netbird', ['interface wt0']],
    ]);
    // Conflicts: the namespace's consumers detected, the host's (mwan3, Tailscale) only catalogue.
    const doc = {
      format: 'markwright/1',
      name: 'ns',
      layout: { fields: [{ name: 'all', kind: 'int', offset: 0, width: 32 }] },
      policy: { routes: [] },
    };
    const report = checkReport(doc, [], { evidence: new Map(found.map((c) => [c.consumer, c.evidence])) });
    const presence = (id: string) =>
      new Set(report.conflicts.filter((c) => c.consumer === id).map((c) => c.presence));
    expect(presence('nordvpn')).toEqual(new Set(['detected']));
    expect(presence('netbird')).toEqual(new Set(['detected']));
    expect(presence('mwan3')).toEqual(new Set(['catalogue']));
    expect(presence('tailscale')).toEqual(new Set(['catalogue']));
  });

  it('a namespace whose id cannot be read has no processes known to run in it', () => {
    proc(12, 'tailscaled', HOST_NS);
    expect(systemEvidence(root, [], { kind: 'netns', name: 'gone' }).system.processes).toEqual([]);
  });

  it('for the local target, processes in other namespaces (containers) do not count', () => {
    mkdirSync(join(root, '/proc/self/ns'), { recursive: true });
    symlinkSync(HOST_NS, join(root, '/proc/self/ns/net'));
    proc(20, 'tailscaled', HOST_NS);
    proc(21, 'nordvpnd', 'net:[4026532999]');
    const seen = systemEvidence(root, [], { kind: 'local' });
    expect(seen.system.processes).toEqual(['tailscaled']);
    expect(seen.system.configs.map((f) => f.path)).toEqual(['/etc/config/mwan3']);
    expect(seen.system.packages?.map((p) => p.consumer)).toEqual(['tailscale']);
  });
});

describe('consumer versions on the box', () => {
  const tailscale: DetectedConsumer = {
    consumer: 'tailscale',
    evidence: ['interface tailscale0'],
    fwmarkBits: '0x00000000',
    ctmarkBits: '0x00000000',
  };
  const pkg = { consumer: 'tailscale', span: { since: '1.94.0', before: '1.94.1' }, evidence: 'package' };
  const restore1100 = {
    where: 'ip mangle PREROUTING #1',
    rule: 'ct state established,related ct mark & 0x00ff0000 != 0x00000000 meta mark set ct mark & 0x00ff0000',
  };

  it("prefers the consumer's own command, then its package, then its rules' shape", async () => {
    const runner = new FakeRunner().on((argv) =>
      argv.join(' ') === 'tailscale version' ? { stdout: '1.97.5\n  tailscale commit: 0abc\n' } : undefined,
    );
    expect((await consumerVersions(runner, [tailscale], [pkg], [restore1100])).get('tailscale')).toEqual({
      consumer: 'tailscale',
      span: { since: '1.97.5', before: '1.97.6' },
      evidence: 'tailscale version: 1.97.5',
    });
    const silent = new FakeRunner().on(() => ({ code: 127, stdout: '' }));
    expect(
      (await consumerVersions(silent, [tailscale], [pkg], [restore1100])).get('tailscale')?.evidence,
    ).toBe('package');
    expect((await consumerVersions(silent, [tailscale], [], [restore1100])).get('tailscale')?.span).toEqual({
      since: '1.100',
    });
    expect((await consumerVersions(silent, [tailscale], [], [])).size).toBe(0);
  });

  it('asks nothing about consumers that are not detected', async () => {
    const runner = new FakeRunner().on(() => ({ stdout: '1.97.5\n' }));
    expect((await consumerVersions(runner, [], [pkg], [restore1100])).size).toBe(0);
    expect(runner.calls).toEqual([]);
  });
});
