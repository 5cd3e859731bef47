import type { ConfigFile } from './hazards';

/** What probe sees of a box besides its rules: running processes, network interfaces, configuration files. */
export interface SystemEvidence {
  /** Process names as the kernel keeps them (`/proc/PID/comm`, at most 15 characters). */
  readonly processes: readonly string[];
  readonly interfaces: readonly string[];
  readonly configs: readonly ConfigFile[];
}

/** A known consumer seen through its process, interface or configuration, with what gave it away. */
export interface PresenceSighting {
  readonly consumer: string;
  readonly evidence: readonly string[];
}

/** Daemons whose running process means their rules and marks are on this box (ids are KNOWN_CONSUMERS ids). */
export const PROCESS_SIGNS: readonly { readonly consumer: string; readonly comm: RegExp }[] = [
  { consumer: 'tailscale', comm: /^tailscaled$/ },
  { consumer: 'kube-proxy', comm: /^kube-proxy$/ },
  { consumer: 'cilium', comm: /^cilium-agent$/ },
  { consumer: 'calico', comm: /^calico-node$/ },
  { consumer: 'netbird', comm: /^netbird$/ },
  { consumer: 'mullvad', comm: /^mullvad-daemon$/ },
  { consumer: 'nordvpn', comm: /^nordvpnd$/ },
  { consumer: 'firewalld', comm: /^firewalld$/ },
  { consumer: 'docker', comm: /^dockerd$/ },
];

/** Interfaces these consumers create under fixed names. */
export const INTERFACE_SIGNS: readonly { readonly consumer: string; readonly name: RegExp }[] = [
  { consumer: 'tailscale', name: /^tailscale\d+$/ },
  { consumer: 'kube-proxy', name: /^kube-ipvs0$/ },
  { consumer: 'cilium', name: /^cilium_(host|net|vxlan)$/ },
  { consumer: 'calico', name: /^cali[0-9a-f]{11}$|^vxlan\.calico$/ },
  { consumer: 'flannel', name: /^flannel\.\d+$/ },
  { consumer: 'weave', name: /^weave$/ },
  { consumer: 'netbird', name: /^wt0$/ },
  { consumer: 'nordvpn', name: /^nordlynx$/ },
  { consumer: 'docker', name: /^docker0$/ },
];

const WG_CONFIG = /^\/etc\/wireguard\/[^/]+\.conf$/;

/** `Key = value` lines of an INI section, last one winning, keys compared case-insensitively as wg-quick does. */
function iniKeys(text: string, section: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    const head = /^\[(.+)\]$/.exec(line);
    if (head) {
      current = head[1]!.trim().toLowerCase();
      continue;
    }
    const kv = /^([A-Za-z]+)\s*=\s*(.*)$/.exec(line);
    if (!kv || current !== section) continue;
    const key = kv[1]!.toLowerCase();
    out.set(key, [...(out.get(key) ?? []), kv[2]!.trim()]);
  }
  return out;
}

/**
 * Why a wg-quick configuration marks packets, or null: an explicit `FwMark`, or a peer routing everything
 * (AllowedIPs 0.0.0.0/0 or ::/0), for which wg-quick picks fwmark 51820 and its own ip rules itself.
 */
export function wgQuickMarks(file: ConfigFile): string | null {
  const iface = iniKeys(file.text, 'interface');
  const fwmark = iface.get('fwmark')?.at(-1);
  if (fwmark && fwmark !== 'off' && fwmark !== '0') return `${file.path}: FwMark = ${fwmark}`;
  const table = iface.get('table')?.at(-1)?.toLowerCase();
  if (table === 'off') return null;
  const allowed = iniKeys(file.text, 'peer').get('allowedips') ?? [];
  const everything = allowed
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .find((v) => v === '0.0.0.0/0' || v === '::/0');
  return everything ? `${file.path}: AllowedIPs = ${everything} (wg-quick sets fwmark 51820)` : null;
}

/** Known consumers present by their processes, interfaces and configuration files. */
export function detectPresence(system: SystemEvidence): PresenceSighting[] {
  const found = new Map<string, string[]>();
  const add = (consumer: string, evidence: string) => {
    const list = found.get(consumer) ?? [];
    if (!list.includes(evidence)) list.push(evidence);
    found.set(consumer, list);
  };
  for (const comm of system.processes)
    for (const s of PROCESS_SIGNS) if (s.comm.test(comm)) add(s.consumer, `process ${comm}`);
  for (const name of system.interfaces)
    for (const s of INTERFACE_SIGNS) if (s.name.test(name)) add(s.consumer, `interface ${name}`);
  for (const file of system.configs) {
    if (!WG_CONFIG.test(file.path)) continue;
    const why = wgQuickMarks(file);
    if (why) add('wg-quick', why);
  }
  return [...found.entries()].map(([consumer, evidence]) => ({ consumer, evidence }));
}
