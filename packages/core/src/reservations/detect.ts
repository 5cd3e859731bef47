import type { RuleBitUsage } from '../analyze/types';

/** A rule that labels a packet or connection: xt SECMARK/CONNSECMARK, nft `meta secmark set` / `ct secmark set`. */
export const LABEL_WRITE = /-j (?:CONN)?SECMARK\b|\b(?:meta|ct) secmark set\b/;

/** Our own table: its labels are the layout's, never another consumer's. */
const OWN_TABLE = /^(inet|ip|ip6) markwright\b/;

/**
 * Names that give a consumer away: table/chain names, or text in its rules. Ids are KNOWN_CONSUMERS ids.
 * `needs`: literal text every match of the pattern contains (one of them), so a rule lacking all of them is
 * skipped without running the regex; omitted means always run it (case-insensitive patterns).
 */
export const CONSUMER_SIGNATURES: readonly ConsumerSignature[] = [
  { consumer: 'kube-proxy', pattern: /\bKUBE-(?!ROUTER|VIP-)[A-Z0-9-]+/, needs: ['KUBE-'] },
  { consumer: 'kube-proxy-nftables', pattern: /\btable (ip|ip6|inet) kube-proxy\b/, needs: [' kube-proxy'] },
  { consumer: 'kube-router', pattern: /\bKUBE-ROUTER-[A-Z-]+/, needs: ['KUBE-ROUTER-'] },
  { consumer: 'calico', pattern: /\bcali-[A-Za-z0-9-]+/, needs: ['cali-'] },
  { consumer: 'cilium', pattern: /\bCILIUM_[A-Z_]+|\btable \w+ cilium\b/, needs: ['CILIUM_', ' cilium'] },
  { consumer: 'flannel', pattern: /\bFLANNEL-[A-Z-]+/, needs: ['FLANNEL-'] },
  { consumer: 'weave', pattern: /\bWEAVE(-[A-Z-]+)?\b/, needs: ['WEAVE'] },
  { consumer: 'antrea', pattern: /\bANTREA-[A-Z-]+/, needs: ['ANTREA-'] },
  { consumer: 'istio-sidecar', pattern: /\bISTIO_[A-Z_]+/, needs: ['ISTIO_'] },
  { consumer: 'tailscale', pattern: /\bts-[a-z]+\b|\btailscale\b/, needs: ['ts-', 'tailscale'] },
  { consumer: 'wg-quick', pattern: /\bwg-quick\b/, needs: ['wg-quick'] },
  { consumer: 'mullvad', pattern: /\btable inet mullvad\b/, needs: ['table inet mullvad'] },
  { consumer: 'mwan3', pattern: /\bmwan3[_a-z]*\b/, needs: ['mwan3'] },
  { consumer: 'pbr', pattern: /\bpbr_[a-z_]+\b/, needs: ['pbr_'] },
  { consumer: 'dscpclassify', pattern: /\binet dscpclassify\b/, needs: ['inet dscpclassify'] },
  { consumer: 'sqm-scripts', pattern: /\bQOS_MARK_[A-Za-z0-9_.-]+/, needs: ['QOS_MARK_'] },
  {
    consumer: 'kube-vip',
    pattern: /\bKUBE-VIP-EGRESS\b|\b(?:ip|ip6) kube_vip_v[46]\b/,
    needs: ['KUBE-VIP-EGRESS', ' kube_vip_v'],
  },
  {
    consumer: 'netbird',
    pattern: /\bNETBIRD-[A-Z-]+|\btable \w+ netbird\b/,
    needs: ['NETBIRD-', ' netbird'],
  },
  {
    consumer: 'submariner',
    pattern: /\bSUBMARINER-[A-Z-]+|\bSM-GN-[A-Z-]+/,
    needs: ['SUBMARINER-', 'SM-GN-'],
  },
  // VyOS's own firewall chains (VYOS_PRE_SNAT_HOOK, vyos_filter, ...) touch no mark: only these two features do.
  {
    consumer: 'vyos-policy-route',
    pattern: /\bVYOS_PBR6?_[A-Za-z0-9_-]+|\b(?:ip|ip6) vyos_mangle\b/,
    needs: ['VYOS_PBR', ' vyos_mangle'],
  },
  {
    consumer: 'vyos-wlb',
    pattern: /\bip vyos_wanloadbalance\b|\bwlb_mangle_[A-Za-z0-9_.-]+|\bWANLOADBALANCE(?:_PRE)?\b/,
    needs: ['ip vyos_wanloadbalance', 'wlb_mangle_', 'WANLOADBALANCE'],
  },
  { consumer: 'docker', pattern: /\bDOCKER(-[A-Z-]+)?\b/, needs: ['DOCKER'] },
  {
    consumer: 'netavark',
    pattern: /\bNETAVARK[-_A-Z]*\b|\btable inet netavark\b/,
    needs: ['NETAVARK', 'table inet netavark'],
  },
  { consumer: 'fw4', pattern: /\btable inet fw4\b/, needs: ['table inet fw4'] },
  {
    consumer: 'firewalld',
    pattern: /\btable inet firewalld\b|\bfirewalld\b/,
    needs: ['table inet firewalld', 'firewalld'],
  },
  { consumer: 'shorewall', pattern: /\bshorewall\b/i },
  // Any foreign rule that labels packets (our own table is never passed here as foreign).
  { consumer: 'selinux-secmark', pattern: LABEL_WRITE, needs: ['SECMARK', ' secmark set'] },
];

/** How one known consumer is recognised. */
export interface ConsumerSignature {
  readonly consumer: string;
  readonly pattern: RegExp;
  readonly needs?: readonly string[];
}

/** Whether `text` can match the signature at all: false only when it lacks every literal the pattern needs. */
export function mayMatch(signature: ConsumerSignature, text: string): boolean {
  const needs = signature.needs;
  if (!needs) return true;
  for (const literal of needs) if (text.includes(literal)) return true;
  return false;
}

// One scan finds every needed literal in a text. Longest first, so at each position the literal found holds all
// others starting there; each literal marks every signature whose needs it contains, so a signature is marked
// exactly when mayMatch holds for it.
const NEEDED = [...new Set(CONSUMER_SIGNATURES.flatMap((s) => s.needs ?? []))].sort(
  (a, b) => b.length - a.length,
);
const NEEDED_SCAN = new RegExp(NEEDED.map((l) => l.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')).join('|'), 'g');
const MARKS = new Map(
  NEEDED.map((literal) => [
    literal,
    CONSUMER_SIGNATURES.flatMap((s, i) => (s.needs?.some((n) => literal.includes(n)) ? [i] : [])),
  ]),
);

/** Fills `marked` with which signatures `text` may match (same answer as mayMatch, one pass over the text). */
export function markCandidates(text: string, marked: Uint8Array): void {
  CONSUMER_SIGNATURES.forEach((s, i) => {
    marked[i] = s.needs ? 0 : 1;
  });
  NEEDED_SCAN.lastIndex = 0;
  for (let m = NEEDED_SCAN.exec(text); m; m = NEEDED_SCAN.exec(text)) {
    for (const i of MARKS.get(m[0]) ?? []) marked[i] = 1;
    NEEDED_SCAN.lastIndex = m.index + 1;
  }
}

/** A known consumer seen on a box, with why we think so and the bits its own rules use. */
export interface ConsumerSighting {
  readonly consumer: string;
  /** Table or chain names, or `where: text` of its rules (at most five). */
  readonly evidence: readonly string[];
  readonly fwmarkBits: number;
  readonly ctmarkBits: number;
}

const EVIDENCE_MAX = 5;

/** The consumer a rule belongs to, by its table/chain name or its text; undefined when none matches. */
export function consumerOfRule(usage: Pick<RuleBitUsage, 'where' | 'rule'>): string | undefined {
  const text = `${usage.where} ${usage.rule}`;
  return CONSUMER_SIGNATURES.find((s) => s.pattern.test(text))?.consumer;
}

/**
 * Known consumers present among these rules (and table/chain names, which give some away even where their
 * rules touch no mark), each with the bits its own rules read or write.
 */
export function detectConsumers(
  usages: readonly Pick<RuleBitUsage, 'where' | 'rule' | 'reads' | 'writes'>[],
  names: readonly string[] = [],
): ConsumerSighting[] {
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
      if (e.evidence.size < EVIDENCE_MAX) e.evidence.add(name);
    }
  }
  const marked = new Uint8Array(CONSUMER_SIGNATURES.length);
  for (const u of usages) {
    if (OWN_TABLE.test(u.where)) continue;
    const text = `${u.where} ${u.rule}`;
    markCandidates(text, marked);
    for (let i = 0; i < CONSUMER_SIGNATURES.length; i++) {
      const signature = CONSUMER_SIGNATURES[i];
      if (!marked[i] || !signature) continue;
      const m = signature.pattern.exec(text);
      if (!m) continue;
      const consumer = signature.consumer;
      const e = entry(consumer);
      if (e.evidence.size < EVIDENCE_MAX) e.evidence.add(`${u.where}: ${m[0]}`);
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
