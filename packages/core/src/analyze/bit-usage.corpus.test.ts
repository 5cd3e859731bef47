import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { corpusDir, corpusSkip } from '@markwright/testkit';
import { describe, expect, it } from 'vitest';
import type { Ruleset } from '../ir/types';
import { parseRulesetAuto } from '../lang/detect';
import { bitsInUse, bitUsage } from './bit-usage';

const realDir = corpusDir('real');
const skip = corpusSkip('bit usage on real rulesets', 'real');

/** Files in a ruleset syntax the parsers read (iptables-save, nft text or nft commands). */
const RULESETS = /\.(iptables-save|ip6tables-save|iptables-restore|nft|nft-commands-golden)$/;
const read = (name: string): string => readFileSync(join(realDir, name), 'utf8');
const parse = (name: string): Ruleset => parseRulesetAuto(read(name)).ruleset;
const ruleCount = (rs: Ruleset): number =>
  rs.tables.reduce((n, t) => n + t.chains.reduce((m, c) => m + c.rules.length, 0), 0);

describe.skipIf(skip)('bit usage of the real rulesets in the corpus', () => {
  const files = skip ? [] : readdirSync(realDir).filter((f) => RULESETS.test(f));

  it.each(files)('%s: one usage per rule', (file) => {
    const ruleset = parse(file);
    const usages = bitUsage(ruleset);
    expect(usages).toHaveLength(ruleCount(ruleset));
    expect(new Set(usages.map((u) => u.where)).size).toBe(usages.length);
  });

  it('a dual-WAN connmark router: restore reads the whole ct mark, --set-mark overwrites it', () => {
    const usages = bitUsage(parse('multipathrouting__dual_wan_connmark.iptables-restore'));
    const mangle = usages.filter((u) => u.where.startsWith('ip mangle '));
    expect(mangle.map((u) => [u.where, u.reads, u.writes, u.wholeMarkWrite])).toEqual([
      [
        'ip mangle PREROUTING #1',
        { fwmark: 0, ctmark: 0xffffffff },
        { fwmark: 0xffffffff, ctmark: 0 },
        { fwmark: true, ctmark: false },
      ],
      ...['PREROUTING #2', 'PREROUTING #3', 'POSTROUTING #1', 'POSTROUTING #2'].map((w) => [
        `ip mangle ${w}`,
        { fwmark: 0, ctmark: 0 },
        { fwmark: 0, ctmark: 0xffffffff },
        { fwmark: false, ctmark: true },
      ]),
    ]);
    expect(
      usages
        .filter((u) => !u.where.startsWith('ip mangle '))
        .every((u) => u.writes.fwmark === 0 && u.reads.fwmark === 0),
    ).toBe(true);
  });

  it('OpenWrt fw4 mark rules: masked writes touch only their bits', () => {
    const usages = bitUsage(parse('openwrt-fw4__mark_rules.nft')).filter((u) => u.writes.fwmark !== 0);
    expect(usages.map((u) => [u.writes.fwmark, u.wholeMarkWrite.fwmark])).toEqual([
      [0xffffffff, true], // meta mark set 0xaa
      [0x0000ffab, false], // mark and 0xffff0054 xor 0xab
      [0xffffffff, true], // meta mark set 0xac
      [0x0000ffad, false], // mark and 0xffff00ff xor 0xad
      [0xffffff51, false], // mark and 0xae clears every bit not in 0xae
      [0x000000af, false], // mark or 0xaf
    ]);
  });

  it('Istio TPROXY capture in nft: copying the whole mark into the ct mark and back', () => {
    const usages = bitUsage(parse('istio__capture_tproxy.nft-commands-golden'));
    const save = usages.find((u) => u.rule.endsWith('ct mark set mark'))!;
    expect(save).toMatchObject({
      reads: { fwmark: 0xffffffff, ctmark: 0 },
      writes: { fwmark: 0, ctmark: 0xffffffff },
      wholeMarkWrite: { fwmark: false, ctmark: true },
    });
    const restore = usages.find((u) => u.rule.endsWith('meta mark set ct mark'))!;
    expect(restore).toMatchObject({
      reads: { fwmark: 0, ctmark: 0xffffffff },
      writes: { fwmark: 0xffffffff, ctmark: 0 },
      wholeMarkWrite: { fwmark: true, ctmark: false },
    });
  });

  it('a ruleset without marks uses no mark bits', () => {
    const total = bitsInUse(bitUsage(parse('diekmann__tum_net_2015-09-03.iptables-save')));
    expect(total.any).toEqual({ fwmark: 0, ctmark: 0 });
    expect(total.uncertain).toBe(false);
  });
});
