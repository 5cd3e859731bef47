import type { BoxVersion } from './consumer-versions';
import type { ConfigFile } from './hazards';
import { fileSightings } from './presence-files';

/** What probe sees of a box besides its rules: running processes, network interfaces, configuration files. */
export interface SystemEvidence {
  /** Process names as the kernel keeps them (`/proc/PID/comm`, at most 15 characters). */
  readonly processes: readonly string[];
  readonly interfaces: readonly string[];
  /** Files of FILE_SIGNS read from the box, with their text. */
  readonly configs: readonly ConfigFile[];
  /** Paths of FILE_SIGNS found to exist (state files and directories, never read). */
  readonly present?: readonly string[];
  /** Known consumers installed as packages (from the package databases), with their versions. */
  readonly packages?: readonly BoxVersion[];
}

/** A known consumer seen through its process, interface or configuration, with what gave it away. */
export interface PresenceSighting {
  readonly consumer: string;
  readonly evidence: readonly string[];
}

/** A name that gives a known consumer away (ids are KNOWN_CONSUMERS ids), with where the name comes from. */
export interface NameSign {
  readonly consumer: string;
  readonly name: RegExp;
  readonly source: string;
}

/** Daemons whose running process (`/proc/PID/comm`) means their rules and marks are in play. */
export const PROCESS_SIGNS: readonly NameSign[] = [
  { consumer: 'tailscale', name: /^tailscaled$/, source: 'tailscale cmd/tailscaled' },
  { consumer: 'kube-proxy', name: /^kube-proxy$/, source: 'kubernetes cmd/kube-proxy' },
  { consumer: 'cilium', name: /^cilium-agent$/, source: 'cilium daemon (cilium-agent)' },
  { consumer: 'calico', name: /^calico-node$/, source: 'projectcalico/calico node (calico-node)' },
  { consumer: 'netbird', name: /^netbird$/, source: 'netbirdio/netbird client (netbird service run)' },
  { consumer: 'mullvad', name: /^mullvad-daemon$/, source: 'mullvad/mullvadvpn-app mullvad-daemon' },
  { consumer: 'nordvpn', name: /^nordvpnd$/, source: 'NordSecurity/nordvpn-linux cmd/daemon (nordvpnd)' },
  { consumer: 'firewalld', name: /^firewalld$/, source: 'firewalld/firewalld src/firewalld' },
  { consumer: 'docker', name: /^dockerd$/, source: 'moby/moby cmd/dockerd' },
  { consumer: 'mwan3', name: /^mwan3track$/, source: 'openwrt/packages net/mwan3/files/usr/sbin/mwan3track' },
  { consumer: 'opensnitch', name: /^opensnitchd$/, source: 'evilsocket/opensnitch daemon (opensnitchd)' },
];

/** Interfaces these consumers create under fixed names. */
export const INTERFACE_SIGNS: readonly NameSign[] = [
  {
    consumer: 'tailscale',
    name: /^tailscale\d+$/,
    source: 'tailscale cmd/tailscaled (--tun default tailscale0)',
  },
  {
    consumer: 'kube-proxy',
    name: /^kube-ipvs0$/,
    source: 'kubernetes pkg/proxy/ipvs/proxier.go (DefaultDummyDevice kube-ipvs0)',
  },
  {
    consumer: 'cilium',
    name: /^cilium_(host|net|vxlan|geneve)$/,
    source:
      'cilium pkg/defaults/node.go (HostDevice cilium_host, SecondHostDevice cilium_net); tunnel devices',
  },
  {
    consumer: 'calico',
    name: /^cali[0-9a-f]{11}$|^vxlan(-v6)?\.calico$|^wireguard\.cali$/,
    source:
      'projectcalico/calico felix/dataplane/linux/dataplanedefs/dataplane_defs.go (vxlan.calico, vxlan-v6.calico, wireguard.cali); workload veths cali + 11 hex',
  },
  {
    consumer: 'flannel',
    name: /^flannel[.-]/,
    source: 'flannel-io/flannel pkg/backend/vxlan (flannel.VNI), wireguard (flannel-wg)',
  },
  { consumer: 'weave', name: /^weave$/, source: 'weaveworks/weave net/bridge.go (bridge weave)' },
  {
    consumer: 'antrea',
    name: /^antrea-gw0$/,
    source: 'antrea-io/antrea pkg/agent/config (default gateway antrea-gw0)',
  },
  {
    consumer: 'netbird',
    name: /^wt0$/,
    source: 'netbirdio/netbird client/iface (WgInterfaceDefault wt0)',
  },
  {
    consumer: 'mullvad',
    name: /^wg0-mullvad$/,
    source: 'mullvad/mullvadvpn-app talpid-wireguard (Linux tunnel interface wg0-mullvad)',
  },
  {
    consumer: 'nordvpn',
    name: /^nordlynx$|^nordtun$/,
    source: 'NordSecurity/nordvpn-linux (NordLynx interface nordlynx, OpenVPN nordtun)',
  },
  { consumer: 'docker', name: /^docker0$/, source: 'moby/moby daemon (default bridge docker0)' },
];

/** Known consumers present by their processes, interfaces, configuration files and packages. */
export function detectPresence(system: SystemEvidence): PresenceSighting[] {
  const found = new Map<string, string[]>();
  const add = (consumer: string, evidence: string) => {
    const list = found.get(consumer) ?? [];
    if (!list.includes(evidence)) list.push(evidence);
    found.set(consumer, list);
  };
  for (const comm of system.processes)
    for (const s of PROCESS_SIGNS) if (s.name.test(comm)) add(s.consumer, `process ${comm}`);
  for (const name of system.interfaces)
    for (const s of INTERFACE_SIGNS) if (s.name.test(name)) add(s.consumer, `interface ${name}`);
  for (const seen of fileSightings(system.configs, system.present ?? [])) add(seen.consumer, seen.evidence);
  for (const pkg of system.packages ?? []) add(pkg.consumer, pkg.evidence);
  return [...found.entries()].map(([consumer, evidence]) => ({ consumer, evidence }));
}
