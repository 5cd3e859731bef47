import type { DetectedConsumer } from '../types';

/** Names that give a consumer away: table/chain names, or text in its rules. */
const SIGNATURES: readonly { consumer: string; pattern: RegExp }[] = [
  { consumer: 'kube-proxy', pattern: /\bKUBE-[A-Z-]+|\bkube-proxy\b/ },
  { consumer: 'calico', pattern: /\bcali-[A-Za-z0-9-]+/ },
  { consumer: 'cilium', pattern: /\bCILIUM_[A-Z_]+|\bcilium\b/ },
  { consumer: 'tailscale', pattern: /\bts-[a-z]+|\btailscale\b/ },
  { consumer: 'wg-quick', pattern: /\bwg-quick\b|\bwg\d+\b/ },
  { consumer: 'mwan3', pattern: /\bmwan3[_a-z]*\b/ },
  { consumer: 'docker', pattern: /\bDOCKER(-[A-Z-]+)?\b/ },
  { consumer: 'fw4', pattern: /\btable inet fw4\b|"name":\s*"fw4"|\bfw4\b/ },
  { consumer: 'firewalld', pattern: /\bfirewalld\b/ },
];

export interface RuleEvidence {
  /** Where the rule lives (`table inet foo chain bar`), matched against the signatures too. */
  readonly where: string;
  readonly text: string;
  readonly fwmarkBits: number;
  readonly ctmarkBits: number;
}

const hex = (n: number) => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;

/** Known consumers present among these rules, each with the bits its own rules use. */
export function detectConsumers(rules: readonly RuleEvidence[]): DetectedConsumer[] {
  const found = new Map<string, { evidence: Set<string>; fw: number; ct: number }>();
  for (const rule of rules) {
    for (const { consumer, pattern } of SIGNATURES) {
      const m = pattern.exec(`${rule.where} ${rule.text}`);
      if (!m) continue;
      const entry = found.get(consumer) ?? { evidence: new Set<string>(), fw: 0, ct: 0 };
      if (entry.evidence.size < 5) entry.evidence.add(`${rule.where}: ${m[0]}`);
      entry.fw = (entry.fw | rule.fwmarkBits) >>> 0;
      entry.ct = (entry.ct | rule.ctmarkBits) >>> 0;
      found.set(consumer, entry);
    }
  }
  return [...found.entries()].map(([consumer, e]) => ({
    consumer,
    evidence: [...e.evidence],
    fwmarkBits: hex(e.fw),
    ctmarkBits: hex(e.ct),
  }));
}
