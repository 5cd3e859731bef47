import { kernelSkip, Netns } from '@markwright/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_OWNERSHIP } from '../deploy/ownership';
import { createSystemRunner } from '../exec/runner';
import { addForeignState } from '../testing/foreign';
import { probe } from './probe';

const skip = kernelSkip('probe kernel tests', ['ip', 'nft', 'iptables', 'tc']);

describe.skipIf(skip)('probe a namespace', () => {
  let ns: Netns;
  beforeAll(() => {
    ns = Netns.create('prb');
    ns.exec(['ip', 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1']);
    // Tailscale's interface name is evidence of Tailscale even before its rules are there.
    ns.exec(['ip', 'link', 'add', 'tailscale0', 'type', 'veth', 'peer', 'name', 'tsp1']);
    addForeignState(ns, 'v0');
    ns.exec(['iptables', '-t', 'nat', '-N', 'KUBE-MARK-MASQ']);
    ns.exec(['iptables', '-t', 'nat', '-A', 'KUBE-MARK-MASQ', '-j', 'MARK', '--set-xmark', '0x4000/0x4000']);
    ns.exec([
      'ip',
      'rule',
      'add',
      'priority',
      '10100',
      'fwmark',
      '0x200/0x300',
      'lookup',
      '100',
      'proto',
      '77',
    ]);
  });
  afterAll(() => ns?.destroy());

  it('reports tools, the live box, known consumers with their bits, and what is ours', async () => {
    const report = await probe(createSystemRunner({ kind: 'netns', name: ns.name }), DEFAULT_OWNERSHIP);
    expect(report.tools.nft).toMatch(/^\d+\.\d+/);
    expect(report.tools.iptablesBackend).toBe('nf_tables');
    expect(report.tools.ip).toMatch(/^\d+\.\d+/);
    expect(report.box.ruleset.tables.map((t) => `${t.family} ${t.name}`)).toEqual(
      expect.arrayContaining(['inet other', 'ip mangle', 'ip nat']),
    );
    expect(report.box.ipRules.some((r) => r.priority === 500 && r.fwmark?.mask === 0x10000)).toBe(true);
    expect(report.box.routes.length).toBeGreaterThan(0);
    expect(report.box.tcFilters.some((f) => f.dev === 'v0' && f.priority === 10)).toBe(true);
    const kube = report.consumers.find((c) => c.consumer === 'kube-proxy');
    // nft 1.0.6 prints xt targets without options; the bits come from iptables-save.
    expect(kube?.fwmarkBits).toBe('0x00004000');
    // Foreign bits: the other table's 0x10000, the iptables 0x20000 and 0x4000, ip rules' masks (the rule with
    // our protocol at priority 600 is another program's: 0x40000); not ours (0x300).
    expect(report.bitsInUse.fwmark).toBe('0x00074000');
    expect(report.owned).toEqual({ table: false, ipRules: 1, tcFilters: 0 });
    expect(report.warnings).toBeUndefined();
    expect(report.consumers.find((c) => c.consumer === 'tailscale')?.evidence).toEqual([
      'interface tailscale0',
    ]);
    // No security module here maps secmark contexts: the probe says labels cannot be deployed.
    expect(report.secmark).toMatchObject({ accepted: false, reason: expect.stringContaining('ENOENT') });
  });
});
