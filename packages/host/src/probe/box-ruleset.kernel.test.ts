import { kernelSkip, Netns } from '@markwright/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_OWNERSHIP } from '../deploy/ownership';
import { createSystemRunner, type Runner } from '../exec/runner';
import { addForeignState } from '../testing/foreign';
import { nftTableNames } from './box-ruleset';
import { probe } from './probe';

const skip = kernelSkip('box ruleset kernel tests', ['ip', 'nft', 'iptables', 'ip6tables', 'tc']);

/** A runner that records each command it runs. */
function recording(inner: Runner, argvs: string[][]): Runner {
  return {
    target: inner.target,
    run: (argv, options) => {
      argvs.push([...argv]);
      return inner.run(argv, options);
    },
  };
}

describe.skipIf(skip)('reading a mixed box table by table', () => {
  let ns: Netns;
  beforeAll(() => {
    ns = Netns.create('boxrs');
    ns.exec(['ip', 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1']);
    // iptables-nft tables with xt targets (MARK) beside native tables of several families, one of them an
    // `ip` table iptables does not manage and one empty.
    addForeignState(ns, 'v0');
    ns.exec(['iptables', '-t', 'nat', '-N', 'KUBE-MARK-MASQ']);
    ns.exec(['iptables', '-t', 'nat', '-A', 'KUBE-MARK-MASQ', '-j', 'MARK', '--or-mark', '0x4000']);
    ns.exec(['ip6tables', '-t', 'mangle', '-A', 'OUTPUT', '-j', 'CONNMARK', '--save-mark']);
    ns.nft(
      'table ip custom {\n\tchain out {\n\t\ttype filter hook output priority 10; policy accept;\n\t\tmeta mark 0x100 ct mark set 0x200\n\t}\n}\ntable netdev quiet {\n}\n',
    );
  });
  afterAll(() => ns?.destroy());

  it('lists every table nft knows without asking for rules', async () => {
    const names = await nftTableNames(createSystemRunner({ kind: 'netns', name: ns.name }));
    expect(names?.map((n) => n.join(' ')).sort()).toEqual(
      ['inet other', 'ip custom', 'ip mangle', 'ip nat', 'ip6 mangle', 'netdev quiet'].sort(),
    );
  });

  it('gives the same probe result as reading the whole ruleset, without nft listing the xtables', async () => {
    const runner = createSystemRunner({ kind: 'netns', name: ns.name });
    const fastArgv: string[][] = [];
    const fast = await probe(recording(runner, fastArgv), DEFAULT_OWNERSHIP);
    const whole = await probe(runner, DEFAULT_OWNERSHIP, { wholeRuleset: true });
    expect(fast).toEqual(whole);
    const tables = fast.box.ruleset.tables.map((t) => `${t.family} ${t.name} ${t.origin}`);
    expect(tables.slice(0, 3)).toEqual(['inet other nft', 'ip custom nft', 'netdev quiet nft']);
    expect(tables.slice(3).sort()).toEqual(['ip mangle iptables', 'ip nat iptables', 'ip6 mangle iptables']);
    const nftCalls = fastArgv.filter((a) => a[0] === 'nft').map((a) => a.slice(1).join(' '));
    expect(nftCalls).not.toContain('-j list ruleset');
    expect(nftCalls.filter((c) => c.startsWith('-j list table'))).toEqual([
      '-j list table inet other',
      '-j list table ip custom',
      '-j list table netdev quiet',
    ]);
  });
});
