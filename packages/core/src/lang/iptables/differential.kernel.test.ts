import { kernelSkip, Netns } from '@markwright/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Rule, Ruleset } from '../../ir/types';
import { prng } from '../../testing/random-box';
import { emitIptablesRestore } from './print-restore';
import { normalizeIptablesRule } from './rule';
import { parseIptablesSave } from './save';

// Random mark rules judged by the real iptables (nf_tables backend) in a private namespace: accepted exactly
// when normalize accepts, and printed by iptables-save exactly as normalize prints them.
const skip = kernelSkip('iptables differential tests', [
  'ip',
  'iptables',
  'iptables-save',
  'iptables-restore',
  'ip6tables',
]);

function generator(seed: number) {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const u32 = (): number =>
    pick([0, 1, 0xff, 0xff00, 0x4000, 0xffffffff, 0x80000000, Math.floor(rnd() * 2 ** 32)]);
  const spell = (n: number): string =>
    pick([String(n), `0x${n.toString(16)}`, `0X${n.toString(16).toUpperCase()}`]);
  const bad = (): string => pick(['4294967296', '-1', '0x1g', '5/', '0x100000000', 'abc', '1/2/3', '']);
  const value = (maskable: boolean): string => {
    if (rnd() < 0.06) return bad();
    const v = spell(u32());
    return maskable && rnd() < 0.5 ? `${v}/${spell(u32())}` : v;
  };
  const markTarget = (): string[] => {
    if (rnd() < 0.04) return ['-j', 'MARK'];
    const op = pick(['--set-xmark', '--set-mark', '--and-mark', '--or-mark', '--xor-mark']);
    const words = ['-j', 'MARK', op, value(op.startsWith('--set'))];
    if (rnd() < 0.05) words.push('--or-mark', '1');
    return words;
  };
  const connmarkTarget = (): string[] => {
    const words = ['-j', 'CONNMARK'];
    const mode = pick(['set', 'save', 'restore', 'none']);
    if (mode === 'set') {
      const op = pick(['--set-xmark', '--set-mark', '--and-mark', '--or-mark', '--xor-mark']);
      words.push(op, value(op.startsWith('--set')));
    } else if (mode !== 'none') words.push(mode === 'save' ? '--save-mark' : '--restore-mark');
    const masks = pick(['none', 'mask', 'nf', 'ct', 'both', 'conflict']);
    if (masks === 'mask') words.push('--mask', spell(u32()));
    if (masks === 'nf' || masks === 'both') words.push('--nfmask', spell(u32()));
    if (masks === 'ct' || masks === 'both') words.push('--ctmask', spell(u32()));
    if (masks === 'conflict') words.push('--mask', '0xff', '--ctmask', '0xff');
    if (rnd() < 0.3)
      words.push(pick(['--left-shift-mark', '--right-shift-mark']), String(pick([0, 1, 8, 16, 31, 32, 33])));
    return words;
  };
  const match = (): string[] => {
    const name = pick(['mark', 'connmark']);
    if (rnd() < 0.03) return ['-m', name];
    return ['-m', name, ...(rnd() < 0.3 ? ['!'] : []), '--mark', value(true)];
  };
  return (): string[] => {
    const words: string[] = [];
    if (rnd() < 0.3)
      words.push(
        '-p',
        pick(['tcp', 'udp', '6']),
        ...(rnd() < 0.5 ? ['--dport', String(Math.floor(rnd() * 65536))] : []),
      );
    const matches = Math.floor(rnd() * 3);
    for (let i = 0; i < matches; i++) words.push(...match());
    const t = rnd();
    if (t < 0.4) words.push(...markTarget());
    else if (t < 0.8) words.push(...connmarkTarget());
    else if (t < 0.9) words.push('-j', pick(['ACCEPT', 'RETURN']));
    return words;
  };
}

const strip = (r: Rule) => ({ exprs: r.exprs, comment: r.comment });
const shape = (rs: Ruleset) =>
  rs.tables.map((t) => ({ ...t, chains: t.chains.map((c) => ({ ...c, rules: c.rules.map(strip) })) }));

describe.skipIf(skip)('iptables differential (real iptables judges)', () => {
  let ns: Netns;
  beforeAll(() => {
    ns = Netns.create('xtdiff');
  });
  afterAll(() => ns?.destroy());

  function judge(family: 4 | 6, cases: string[][]): void {
    const tool = family === 4 ? 'iptables' : 'ip6tables';
    ns.exec([tool, '-t', 'mangle', '-F', 'PREROUTING']);
    const accepted: { words: string[]; ours: string }[] = [];
    const mismatches: string[] = [];
    for (const words of cases) {
      const ours = normalizeIptablesRule(words.join(' '), { table: 'mangle', family });
      const real = ns.exec([tool, '-t', 'mangle', '-A', 'PREROUTING', ...words], { allowFail: true });
      if ((real.code === 0) !== ours.ok) {
        mismatches.push(
          `${words.join(' ')}: iptables exit ${real.code} (${real.stderr.trim().split('\n')[0]}) vs ours ${JSON.stringify(ours)}`,
        );
      }
      if (real.code === 0 && ours.ok) accepted.push({ words, ours: ours.text });
      else if (real.code === 0) accepted.push({ words, ours: '<refused by us>' });
    }
    const saved = ns
      .exec([`${tool}-save`, '-t', 'mangle'])
      .stdout.split('\n')
      .filter((l) => l.startsWith('-A PREROUTING'))
      .map((l) => l.replace(/^-A PREROUTING ?/, ''));
    expect(saved).toHaveLength(accepted.length);
    accepted.forEach((a, i) => {
      if (a.ours !== saved[i])
        mismatches.push(`${a.words.join(' ')}: iptables-save "${saved[i]}" vs ours "${a.ours}"`);
    });
    expect(mismatches).toEqual([]);
    // The generator must exercise both sides.
    expect(accepted.length).toBeGreaterThan(cases.length / 3);
    expect(cases.length - accepted.length).toBeGreaterThan(cases.length / 20);
  }

  it('agrees with iptables on 400 random IPv4 mark rules (accept/refuse and printed form)', () => {
    const next = generator(20261127);
    judge(
      4,
      Array.from({ length: 400 }, () => next()),
    );
  }, 120_000);

  it('agrees with ip6tables on 80 random IPv6 mark rules', () => {
    const next = generator(6);
    judge(
      6,
      Array.from({ length: 80 }, () => next()),
    );
  }, 60_000);

  it('our iptables-restore text loads and reads back as the same IR', () => {
    const text = [
      '*mangle',
      ':PREROUTING ACCEPT [0:0]',
      ':MW_MARKS - [0:0]',
      '-A PREROUTING -i eth0 -p tcp -m tcp --sport 1000:2000 --dport 443 -m comment --comment "uplink one" -j MW_MARKS',
      '-A PREROUTING -j CONNMARK --restore-mark --nfmask 0xff0000 --ctmask 0xff0000',
      '-A MW_MARKS -m mark --mark 0x0/0xff0000 -j MARK --set-xmark 0x10000/0xff0000',
      '-A MW_MARKS -m conntrack --ctstate NEW -j CONNMARK --save-mark --nfmask 0xff0000 --ctmask 0xff0000 --right-shift-mark 4',
      '-A MW_MARKS -p udp -m multiport --dports 53,123,5000:5010 -j CONNMARK --set-xmark 0x4/0x7 --left-shift-mark 2',
      '-A MW_MARKS -s 10.0.0.0/8 ! -d 192.168.1.1/32 -m connmark ! --mark 0x1/0x1 -j RETURN',
      '-A MW_MARKS -p tcp -j TPROXY --on-port 15006 --on-ip 0.0.0.0 --tproxy-mark 0x539/0xfff',
      '-A MW_MARKS -m socket --transparent --restore-skmark -j ACCEPT',
      'COMMIT',
      '*filter',
      ':INPUT DROP [0:0]',
      ':FORWARD ACCEPT [0:0]',
      '-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
      '-A INPUT -p icmp -m icmp --icmp-type 8 -j LOG --log-prefix "ping "',
      '-A FORWARD -m mark ! --mark 0x4000/0x4000 -j REJECT --reject-with icmp-admin-prohibited',
      'COMMIT',
      '*security',
      ':OUTPUT ACCEPT [0:0]',
      '-A OUTPUT -j CONNSECMARK --restore',
      'COMMIT',
      '',
    ].join('\n');
    const ours = parseIptablesSave(text);
    ns.exec(['iptables-restore'], { input: emitIptablesRestore(ours) });
    const back = parseIptablesSave(ns.exec(['iptables-save']).stdout);
    // iptables-save lists tables in its own order.
    const byName = (rs: Ruleset) => ({ tables: [...rs.tables].sort((a, b) => a.name.localeCompare(b.name)) });
    expect(shape(byName(back))).toEqual(shape(byName(ours)));
  });
});
