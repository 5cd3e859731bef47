import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseDocument } from '@markwright/core';
import { compileOwned } from '@markwright/core/compile';
import { kernelSkip, Netns } from '@markwright/testkit';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../testing/run-command';
import compile from './compile';

const repoRoot = resolve(import.meta.dirname, '../../../..');
const examples = ['edge-router', 'k8s-node', 'wireguard-box'].map((n) =>
  join(repoRoot, 'examples', `${n}.json`),
);
const edge = examples[0]!;

const run = (args: string[]) => runCommand(compile, args);

describe('markwright compile', () => {
  it('--to nft prints the replace script of the compiled table', async () => {
    const { code, out } = await run([edge, '--to', 'nft']);
    expect(code).toBe(0);
    const doc = parseDocument(JSON.parse(readFileSync(edge, 'utf8')));
    expect(out).toBe(compileOwned(doc).loads.nftScript);
    expect(
      out.startsWith('add table inet markwright\ndelete table inet markwright\ntable inet markwright {\n'),
    ).toBe(true);
  });

  it('--table and --family shape the nft table', async () => {
    const { out } = await run([edge, '--to', 'nft', '--table', 'mw_test', '--family', '6']);
    expect(out).toContain('table inet mw_test {');
    // The edge router's office VPN rule names an IPv4 address: it is left out of an IPv6-only table.
    expect(out).not.toContain('office vpn');
    expect(out).toContain('meta nfproto ipv6');
  });

  it('--to iptables and ip6tables print one family for iptables-restore', async () => {
    const v4 = await run([edge, '--to', 'iptables']);
    expect(v4.code).toBe(0);
    expect(v4.out).toMatch(/^\*mangle\n/);
    expect(v4.out).toContain('-A PREROUTING -j MARKWRIGHT-PREROUTING');
    expect(v4.out).toContain('-j CONNMARK --restore-mark --nfmask 0x3000000 --ctmask 0x3000000');
    expect(v4.out).toContain('office vpn');
    const v6 = await run([edge, '--to', 'ip6tables']);
    expect(v6.code).toBe(0);
    expect(v6.out).not.toContain('office vpn');
    expect((await run([edge, '--to', 'iptables', '--family', '6'])).out).toBe(v6.out);
  });

  it('--to ip-rule prints ip -batch lines for one family, tagged with the protocol', async () => {
    const v4 = await run([edge, '--to', 'ip-rule', '--protocol', '99']);
    expect(v4.code).toBe(0);
    expect(v4.out).toBe(
      'rule add priority 10001 from all fwmark 0x1000000/0x3000000 lookup 100 proto 99\n' +
        'rule add priority 10002 from all fwmark 0x2000000/0x3000000 lookup 200 proto 99\n',
    );
    expect((await run([edge, '--to', 'ip-rule', '--family', '6'])).out).toContain('proto 77');
    await expect(run([edge, '--to', 'ip-rule', '--family', 'both'])).rejects.toThrow(
      'ip -4 -batch - and ip -6 -batch -',
    );
  });

  it('--to tc prints tc -batch fw filters', async () => {
    const { code, out } = await run([edge, '--to', 'tc']);
    expect(code).toBe(0);
    expect(out.split('\n')[0]).toBe(
      'filter add dev wan0 parent 1: protocol all prio 49000 handle 0x8000000/0x8000000 fw classid 1:10',
    );
    expect(out.trim().split('\n')).toHaveLength(4);
  });

  it('refuses bad arguments naming the option and the value', async () => {
    await expect(run([edge])).rejects.toThrow('--to: must be one of nft, iptables, ip6tables, ip-rule, tc');
    await expect(run([edge, '--to', 'pf'])).rejects.toThrow('(got "pf")');
    await expect(run([edge, '--to', 'nft', '--family', '5'])).rejects.toThrow(
      '--family: must be 4, 6 or both (got "5")',
    );
    await expect(run([edge, '--to', 'iptables', '--family', 'both'])).rejects.toThrow('choose 4 or 6');
    await expect(run([edge, '--to', 'ip6tables', '--family', '4'])).rejects.toThrow(
      '--to ip6tables writes IPv6 rules',
    );
    await expect(run([edge, '--to', 'nft', '--protocol', 'x'])).rejects.toThrow(
      '--protocol: must be a number 1..255',
    );
    await expect(run([edge, '--to', 'nft', '--table', 'a b'])).rejects.toThrow(
      'table: must start with a letter',
    );
    await expect(run(['--to', 'nft'])).rejects.toThrow('FILE: expected exactly one document file');
    await expect(run([join(repoRoot, 'no-such.json'), '--to', 'nft'])).rejects.toThrow(
      'cannot be read: no such file',
    );
    await expect(run([edge, '--to', 'nft', '--colour'])).rejects.toThrow('unknown option');
  });
});

const skip = kernelSkip('compile output load checks', ['ip', 'nft', 'iptables-restore']);

describe.skipIf(skip)('compiled output is accepted by the real tools', () => {
  it.each(examples)('%s: nft -f, iptables-restore and ip -batch load it', async (file) => {
    const ns = Netns.create('cmpcli');
    try {
      const nft = await run([file, '--to', 'nft']);
      ns.exec(['nft', '-f', '-'], { input: nft.out });
      ns.exec(['nft', '-f', '-'], { input: nft.out });
      expect(ns.exec(['nft', 'list', 'tables']).stdout).toBe('table inet markwright\n');
      const v4 = await run([file, '--to', 'iptables']);
      ns.exec(['iptables-restore', '--noflush'], { input: v4.out });
      expect(ns.exec(['iptables-save', '-t', 'mangle']).stdout).toContain(
        '-A PREROUTING -j MARKWRIGHT-PREROUTING',
      );
      for (const family of ['4', '6']) {
        const rules = await run([file, '--to', 'ip-rule', '--family', family]);
        ns.exec(['ip', `-${family}`, '-batch', '-'], { input: rules.out });
        const listed = ns.exec(['ip', `-${family}`, 'rule', 'show']).stdout;
        expect(listed.split('\n').filter((l) => l.includes('proto 77'))).toHaveLength(
          rules.out.split('\n').length - 1,
        );
      }
      const v6 = await run([file, '--to', 'ip6tables']);
      ns.exec(['ip6tables-restore', '--noflush'], { input: v6.out });
    } finally {
      ns.destroy();
    }
  });
});
