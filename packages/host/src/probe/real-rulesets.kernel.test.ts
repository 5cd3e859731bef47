import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkReport } from '@markwright/core';
import { bitUsage, type RuleBitUsage } from '@markwright/core/analyze';
import { parseIptablesSave, parseNftJson, parseNftText } from '@markwright/core/lang';
import { corpusDir, environmentSkip, kernelSkip, Netns } from '@markwright/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_OWNERSHIP } from '../deploy/ownership';
import { createSystemRunner } from '../exec/runner';
import { probe } from './probe';

// Real rulesets published by the software that writes them (fixtures/SOURCES.md), loaded into a scratch
// namespace with iptables-restore (iptables-nft) and read back as iptables-save, `nft -j list ruleset` and
// `nft list ruleset`: every form must parse to the kernel's rule count and say the same about mark bits.

const skip = kernelSkip('real ruleset kernel tests', ['ip', 'nft', 'iptables-restore', 'iptables-save']);
const corpus = corpusDir('real');
const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');

/** The IPv4 part of an Istio golden file as iptables-restore input. */
function istioV4(name: string): string {
  const out: string[] = [];
  let mangles = 0;
  for (const line of readFileSync(join(corpus, name), 'utf8').split('\n')) {
    if (/^ip6?tables-save$/.test(line)) continue;
    if (line === '* mangle' && ++mangles === 2) break;
    out.push(line.replace(/^\* /, '*'));
  }
  return out.join('\n');
}

interface Probe {
  readonly space: 'fwmark' | 'connmark';
  readonly mask: number;
  /** `writes`: some rule writes these bits (or the whole mark); `free`: no rule writes or reads them. */
  readonly expect: 'writes' | 'free' | 'no-writes';
}

interface Case {
  readonly name: string;
  readonly consumer: string;
  readonly load: () => string;
  readonly available: () => boolean;
  readonly probes: readonly Probe[];
}

const CASES: readonly Case[] = [
  {
    name: 'kube-proxy (kubernetes proxier_test.go)',
    consumer: 'kube-proxy',
    load: () => fixture('kube-proxy-basic.iptables-save'),
    available: () => true,
    probes: [
      { space: 'fwmark', mask: 0x4000, expect: 'writes' },
      { space: 'fwmark', mask: 0x100000, expect: 'free' },
      { space: 'connmark', mask: 0x4000, expect: 'free' },
    ],
  },
  {
    name: 'Istio sidecar TPROXY capture (istio golden)',
    consumer: 'istio-sidecar',
    load: () => istioV4('istio__capture_tproxy.iptables-restore-golden'),
    available: () => existsSync(join(corpus, 'istio__capture_tproxy.iptables-restore-golden')),
    probes: [
      { space: 'fwmark', mask: 0x1, expect: 'writes' },
      { space: 'connmark', mask: 0x80000000, expect: 'writes' },
    ],
  },
  {
    name: 'Istio ambient in-pod (istio golden)',
    consumer: 'istio-ambient',
    load: () => istioV4('istio__cni_ambient_default.iptables-restore-golden'),
    available: () => existsSync(join(corpus, 'istio__cni_ambient_default.iptables-restore-golden')),
    probes: [
      { space: 'connmark', mask: 0x100, expect: 'writes' },
      { space: 'connmark', mask: 0xf000, expect: 'no-writes' },
      { space: 'fwmark', mask: 0x10000, expect: 'writes' },
    ],
  },
];

const ruleCount = (rs: { tables: readonly { chains: readonly { rules: readonly unknown[] }[] }[] }) =>
  rs.tables.reduce((n, t) => n + t.chains.reduce((m, c) => m + c.rules.length, 0), 0);

/** Rule by rule, what is written and read, keyed by table, chain and position (the same in every form). */
const semantics = (usages: readonly RuleBitUsage[]) =>
  usages.map((u) => ({
    where: u.where.replace(/^ip /, ''),
    writes: u.writes,
    reads: u.reads,
    whole: u.wholeMarkWrite,
    uncertain: u.uncertain,
  }));

const layoutFor = (p: Probe) => ({
  format: 'markwright/1',
  name: 'probe',
  layout: { fields: [{ name: 'f', kind: 'int', space: p.space, mask: `0x${p.mask.toString(16)}` }] },
});

describe.skipIf(skip)('real rulesets, loaded into the kernel and read back in every form', () => {
  for (const c of CASES) {
    const missing = environmentSkip(c.name, c.available() ? null : `${corpus} is missing`);
    describe.skipIf(missing)(c.name, () => {
      let ns: Netns;
      let save = '';
      let json = '';
      let text = '';
      beforeAll(() => {
        ns = Netns.create('real');
        ns.exec(['iptables-restore'], { input: c.load() });
        save = ns.exec(['iptables-save']).stdout;
        json = ns.exec(['nft', '-j', 'list', 'ruleset']).stdout;
        text = ns.exec(['nft', 'list', 'ruleset']).stdout;
      });
      afterAll(() => ns?.destroy());

      it("parses every form to the kernel's rule count", () => {
        const kernel = (JSON.parse(json) as { nftables: Record<string, unknown>[] }).nftables.filter(
          (o) => 'rule' in o,
        ).length;
        expect(kernel).toBe(save.split('\n').filter((l) => l.startsWith('-A ')).length);
        expect(ruleCount(parseIptablesSave(save))).toBe(kernel);
        expect(ruleCount(parseNftJson(json))).toBe(kernel);
        expect(ruleCount(parseNftText(text))).toBe(kernel);
      });

      it('says the same about mark bits in iptables-save and nft text; nft JSON covers them', () => {
        const fromSave = semantics(bitUsage(parseIptablesSave(save)));
        const fromText = new Map(semantics(bitUsage(parseNftText(text))).map((u) => [u.where, u]));
        const fromJson = new Map(bitUsage(parseNftJson(json)).map((u) => [u.where.replace(/^ip /, ''), u]));
        expect([...fromText.keys()].sort()).toEqual(fromSave.map((u) => u.where).sort());
        let compared = 0;
        for (const s of fromSave) {
          const t = fromText.get(s.where)!;
          if (t.uncertain || s.uncertain) continue; // an extension one view shows only by name
          compared++;
          expect({ where: t.where, writes: t.writes, reads: t.reads, whole: t.whole }).toEqual({
            where: s.where,
            writes: s.writes,
            reads: s.reads,
            whole: s.whole,
          });
        }
        expect(compared).toBeGreaterThan(fromSave.length / 2);
        // JSON shows xt extensions by name only: its bits are a superset, never fewer.
        for (const s of fromSave) {
          const j = fromJson.get(s.where)!;
          for (const space of ['fwmark', 'ctmark'] as const) {
            expect((j.writes[space] & s.writes[space]) >>> 0, s.where).toBe(s.writes[space] >>> 0);
            expect((j.reads[space] & s.reads[space]) >>> 0, s.where).toBe(s.reads[space] >>> 0);
          }
        }
      });

      it('finds conflicts for the bits the software writes and none for free bits', () => {
        const usages = bitUsage(parseIptablesSave(save));
        for (const p of c.probes) {
          const host = checkReport(layoutFor(p), usages).conflicts.filter((x) => x.source === 'host');
          const writes = host.filter(
            (x) => x.severity === 'whole-mark-overwrite' || /writes/.test(x.detail ?? ''),
          );
          const label = `${p.space} ${p.mask.toString(16)}`;
          if (p.expect === 'writes') expect(writes.length, label).toBeGreaterThan(0);
          if (p.expect === 'no-writes') expect(writes, label).toEqual([]);
          if (p.expect === 'free') expect(host, label).toEqual([]);
          for (const x of host) expect(x.presence).toBe('detected');
        }
      });

      it('probe detects the software, and its catalogue conflicts become detected', async () => {
        const report = await probe(createSystemRunner({ kind: 'netns', name: ns.name }), DEFAULT_OWNERSHIP);
        const ids = report.consumers.map((x) => x.consumer);
        expect(ids).toContain(c.consumer === 'istio-ambient' ? 'istio-sidecar' : c.consumer);
        const check = checkReport(layoutFor({ space: 'fwmark', mask: 0x4000, expect: 'writes' }), [], {
          detected: new Set(ids),
        });
        const mine = check.conflicts.filter((x) => ids.includes(x.consumer));
        for (const x of mine) expect(x.presence).toBe('detected');
        expect(
          check.conflicts.filter((x) => !ids.includes(x.consumer)).every((x) => x.presence === 'catalogue'),
        ).toBe(true);
      });
    });
  }
});
