import type { DetectedConsumer } from '../types';

/** Names that give a consumer away: table/chain names, or text in its rules. */
const SIGNATURES: readonly { consumer: string; pattern: RegExp }[] = [
  { consumer: 'kube-proxy', pattern: /\bKUBE-(?!ROUTER)[A-Z0-9-]+/ },
  { consumer: 'kube-proxy-nftables', pattern: /\btable (ip|ip6|inet) kube-proxy\b/ },
  { consumer: 'kube-router', pattern: /\bKUBE-ROUTER-[A-Z-]+/ },
  { consumer: 'calico', pattern: /\bcali-[A-Za-z0-9-]+/ },
  { consumer: 'cilium', pattern: /\bCILIUM_[A-Z_]+|\btable \w+ cilium\b/ },
  { consumer: 'flannel', pattern: /\bFLANNEL-[A-Z-]+/ },
  { consumer: 'weave', pattern: /\bWEAVE(-[A-Z-]+)?\b/ },
  { consumer: 'antrea', pattern: /\bANTREA-[A-Z-]+/ },
  { consumer: 'istio-sidecar', pattern: /\bISTIO_[A-Z_]+/ },
  { consumer: 'tailscale', pattern: /\bts-[a-z]+\b|\btailscale\b/ },
  { consumer: 'wg-quick', pattern: /\bwg-quick\b/ },
  { consumer: 'mullvad', pattern: /\btable inet mullvad\b/ },
  { consumer: 'mwan3', pattern: /\bmwan3[_a-z]*\b/ },
  { consumer: 'docker', pattern: /\bDOCKER(-[A-Z-]+)?\b/ },
  { consumer: 'netavark', pattern: /\bNETAVARK[-_A-Z]*\b|\btable inet netavark\b/ },
  { consumer: 'fw4', pattern: /\btable inet fw4\b/ },
  { consumer: 'firewalld', pattern: /\btable inet firewalld\b|\bfirewalld\b/ },
  { consumer: 'shorewall', pattern: /\bshorewall\b/i },
];

/** The known consumer a table, chain or rule text gives away, or null. */
export function consumerSignature(text: string): string | null {
  for (const { consumer, pattern } of SIGNATURES) if (pattern.test(text)) return consumer;
  return null;
}

export interface RuleEvidence {
  /** Where the rule lives (`table inet foo chain bar`), matched against the signatures too. */
  readonly where: string;
  readonly text: string;
  readonly fwmarkBits: number;
  readonly ctmarkBits: number;
}

const hex = (n: number) => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;

/** Known consumers present among these rules, each with the bits its own rules use. */
export function detectConsumers(
  rules: readonly RuleEvidence[],
  names: readonly string[] = [],
): DetectedConsumer[] {
  const found = new Map<string, { evidence: Set<string>; fw: number; ct: number }>();
  // Table and chain names alone give some consumers away, even where their rules touch no mark.
  for (const name of names) {
    for (const { consumer, pattern } of SIGNATURES) {
      const m = pattern.exec(name);
      if (!m) continue;
      const entry = found.get(consumer) ?? { evidence: new Set<string>(), fw: 0, ct: 0 };
      if (entry.evidence.size < 5) entry.evidence.add(name);
      found.set(consumer, entry);
    }
  }
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
