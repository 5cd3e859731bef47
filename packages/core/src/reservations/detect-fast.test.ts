import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { corpusDir, corpusSkip } from '@markwright/testkit';
import { describe, expect, it } from 'vitest';
import { bitUsage } from '../analyze/bit-usage';
import type { RuleBitUsage } from '../analyze/types';
import { parseRulesetAuto } from '../lang/detect';
import {
  CONSUMER_SIGNATURES,
  type ConsumerSighting,
  detectConsumers,
  markCandidates,
  mayMatch,
} from './detect';

/** The plain loop the literal pre-filter replaces: every signature's regex against every rule. */
function detectPlainly(usages: readonly RuleBitUsage[], names: readonly string[]): ConsumerSighting[] {
  const found = new Map<string, { evidence: Set<string>; fw: number; ct: number }>();
  const entry = (consumer: string) => {
    const e = found.get(consumer) ?? { evidence: new Set<string>(), fw: 0, ct: 0 };
    found.set(consumer, e);
    return e;
  };
  for (const name of names) {
    for (const { consumer, pattern } of CONSUMER_SIGNATURES) {
      if (!pattern.test(name)) continue;
      const e = entry(consumer);
      if (e.evidence.size < 5) e.evidence.add(name);
    }
  }
  for (const u of usages) {
    if (/^(inet|ip|ip6) markwright\b/.test(u.where)) continue;
    for (const { consumer, pattern } of CONSUMER_SIGNATURES) {
      const m = pattern.exec(`${u.where} ${u.rule}`);
      if (!m) continue;
      const e = entry(consumer);
      if (e.evidence.size < 5) e.evidence.add(`${u.where}: ${m[0]}`);
      e.fw = (e.fw | u.reads.fwmark | u.writes.fwmark) >>> 0;
      e.ct = (e.ct | u.reads.ctmark | u.writes.ctmark) >>> 0;
    }
  }
  return [...found.entries()].map(([consumer, e]) => ({
    consumer,
    evidence: [...e.evidence],
    fwmarkBits: e.fw,
    ctmarkBits: e.ct,
  }));
}

/** Top-level alternatives of a regex source (split on `|` outside groups and classes). */
function alternatives(source: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let inClass = false;
  let start = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) {
      out.push(source.slice(start, i));
      start = i + 1;
    }
  }
  out.push(source.slice(start));
  return out;
}

/** Whether `literal` occurs in `alt` as plain, unconditional text: outside groups and classes, not quantified. */
function requiredIn(alt: string, literal: string): boolean {
  if (!/^[A-Za-z0-9_ -]+$/.test(literal)) return false;
  for (let at = alt.indexOf(literal); at >= 0; at = alt.indexOf(literal, at + 1)) {
    const before = alt.slice(0, at);
    const opened = (before.match(/(?<!\\)\(/g) ?? []).length - (before.match(/(?<!\\)\)/g) ?? []).length;
    const inClass = before.lastIndexOf('[') > before.lastIndexOf(']');
    const escaped = before.endsWith('\\');
    const quantified = /^[?*+{]/.test(alt.slice(at + literal.length));
    if (opened === 0 && !inClass && !escaped && !quantified) return true;
  }
  return false;
}

const usage = (where: string, rule: string, fw: number, ct: number): RuleBitUsage => ({
  where,
  rule,
  reads: { fwmark: fw, ctmark: 0 },
  writes: { fwmark: 0, ctmark: ct },
  wholeMarkWrite: { fwmark: false, ctmark: false },
  uncertain: false,
});

describe('consumer detection pre-filter', () => {
  it.each(CONSUMER_SIGNATURES.map((s) => [s.consumer, s] as const))(
    '%s: every alternative of its pattern requires one of its literals',
    (_id, signature) => {
      if (!signature.needs) return expect(signature.pattern.flags).toContain('i');
      expect(signature.pattern.flags).toBe('');
      for (const alt of alternatives(signature.pattern.source)) {
        expect(
          signature.needs.some((literal) => requiredIn(alt, literal)),
          `${signature.consumer}: ${alt}`,
        ).toBe(true);
      }
    },
  );

  it('a pattern match implies mayMatch on sample texts', () => {
    const texts = [
      'ip nat KUBE-SERVICES #1 -j KUBE-SVC-X',
      'table inet fw4 chain x #1 meta mark set 1',
      'x Shorewall',
    ];
    for (const s of CONSUMER_SIGNATURES)
      for (const t of texts) if (s.pattern.test(t)) expect(mayMatch(s, t)).toBe(true);
  });

  const realDir = corpusDir('real');
  const skip = corpusSkip('consumer detection on real rulesets', 'real');
  const files = skip
    ? []
    : readdirSync(realDir).filter((f) =>
        /\.(iptables-save|ip6tables-save|iptables-restore|nft|nft-commands-golden)$/.test(f),
      );
  it.skipIf(skip).each(files)('%s: same sightings as the plain loop', (file) => {
    const { ruleset } = parseRulesetAuto(readFileSync(join(realDir, file), 'utf8'));
    const usages = bitUsage(ruleset);
    const names = ruleset.tables.flatMap((t) => [t.name, ...t.chains.map((c) => c.name)]);
    expect(detectConsumers(usages, names)).toEqual(detectPlainly(usages, names));
  });

  it('a random box of signature fragments and near misses: same sightings as the plain loop', () => {
    const words = [
      'KUBE-SVC-ABC',
      'KUBE-ROUTER-FW',
      'KUBE-VIP-EGRESS',
      'KUBE-VIP-X',
      'KUBE-',
      'cali-fw-eth0',
      'CILIUM_POST',
      'table ip cilium',
      'FLANNEL-FWD',
      'WEAVE',
      'WEAVE-NPC',
      'ANTREA-MARK',
      'ISTIO_OUTPUT',
      'ts-input',
      'tailscale',
      'wg-quick',
      'table inet mullvad',
      'mwan3_rules',
      'pbr_prerouting',
      'inet dscpclassify',
      'QOS_MARK_eth1',
      'ip kube_vip_v4',
      'ip6 kube_vip_v6',
      'NETBIRD-RT',
      'table inet netbird',
      'SUBMARINER-GN',
      'SM-GN-X',
      'VYOS_PBR_x',
      'VYOS_PBR6_y',
      'ip vyos_mangle',
      'ip vyos_wanloadbalance',
      'wlb_mangle_isp',
      'WANLOADBALANCE_PRE',
      'DOCKER',
      'DOCKER-USER',
      'NETAVARK_FORWARD',
      'table inet netavark',
      'table inet fw4',
      'table inet firewalld',
      'firewalld',
      'ShoreWall',
      'shorewall',
      '-j SECMARK',
      '-j CONNSECMARK',
      'meta secmark set',
      'ct secmark set',
      'table',
      'inet',
      'ip',
      'ip6',
      'meta',
      'ct',
      'mark',
      'set',
      '-j',
      'MARK',
      '0x10',
      'ACCEPT',
      'x',
      '_',
      '-',
      'KUBE',
      'cali',
      'ts',
      'mwan3',
      'kube-proxy',
      'table ip kube-proxy',
      'markwright',
      'inet markwright',
    ];
    let seed = 0x2545f491;
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    const phrase = (len: number) =>
      Array.from({ length: len }, () => words[rand(words.length)]).join(['', ' ', '-', '_'][rand(4)] ?? ' ');
    const usages = Array.from({ length: 4000 }, (_, i) =>
      usage(`${phrase(1 + rand(3))} #${i}`, phrase(rand(6)), 1 << rand(32), 1 << rand(32)),
    );
    const names = Array.from({ length: 300 }, () => phrase(1 + rand(2)));
    const marked = new Uint8Array(CONSUMER_SIGNATURES.length);
    for (const u of usages) {
      const text = `${u.where} ${u.rule}`;
      markCandidates(text, marked);
      expect([...marked].map(Boolean), text).toEqual(CONSUMER_SIGNATURES.map((s) => mayMatch(s, text)));
    }
    const fast = detectConsumers(usages, names);
    expect(fast.length).toBeGreaterThan(20);
    expect(fast).toEqual(detectPlainly(usages, names));
  });
});
