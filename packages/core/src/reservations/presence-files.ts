import type { ConfigFile } from './hazards';

/**
 * A file or directory only one known consumer keeps, and what it shows. `exists`: its presence tells, and it is
 * never read (state files hold keys); `read`: its text is read; `dir`: every file of the directory whose name
 * matches `names` is read. `tells` gives the evidence for a file read, or null when the file does not show the
 * consumer at work (a wg-quick configuration without a mark, a zone without a mark rule).
 */
export interface FileSign {
  readonly consumer: string;
  readonly path: string;
  readonly kind: 'exists' | 'read' | 'dir';
  readonly names?: RegExp;
  readonly tells?: (file: ConfigFile) => string | null;
  /** Where the path and its meaning come from. */
  readonly source: string;
}

/** `Key = value` lines of an INI section, every value kept, keys compared case-insensitively as wg-quick does. */
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

/** The value of a UCI `option NAME 'value'` line (first one), unquoted. */
export function uciOption(text: string, name: string): string | undefined {
  return new RegExp(`^\\s*option\\s+${name}\\s+['"]?([^'"\\s]+)`, 'm').exec(text)?.[1];
}

const withOptions = (file: ConfigFile, names: readonly string[]) => {
  const set = names.flatMap((n) => {
    const v = uciOption(file.text, n);
    return v === undefined ? [] : [`${n} ${v}`];
  });
  return set.length ? `${file.path}: ${set.join(', ')}` : file.path;
};

/** firewalld rich rules that mark (`<mark set="V/M"/>`) and direct rules with mark or label targets. */
function firewalldMarks(file: ConfigFile): string | null {
  const marks = [...file.text.matchAll(/<mark\s+set="([^"]+)"/g)].map((m) => `mark set=${m[1]}`);
  const direct = [...file.text.matchAll(/>([^<]*-j\s+(?:CONN)?(?:MARK|SECMARK)\b[^<]*)</g)].map((m) =>
    m[1]!.trim(),
  );
  const found = [...marks, ...direct];
  if (found.length === 0) return null;
  const more = found.length > 1 ? ` (and ${found.length - 1} more)` : '';
  return `${file.path}: ${found[0]}${more}`;
}

/** A CNI network configuration naming the plugin (`"type": "calico"`). */
const cniPlugin = (type: string) => (file: ConfigFile) =>
  new RegExp(`"type"\\s*:\\s*"${type}"`).test(file.text) ? `${file.path}: CNI plugin ${type}` : null;

/** A VyOS config.boot that configures `section { ... sub ... }` at the top level. */
const vyosSection = (section: string, sub: RegExp, what: string) => (file: ConfigFile) => {
  const start = file.text.search(new RegExp(`^${section} \\{`, 'm'));
  if (start < 0) return null;
  const end = file.text.slice(start).search(/^\}/m);
  const body = file.text.slice(start, end < 0 ? undefined : start + end);
  return sub.test(body) ? `${file.path}: ${what}` : null;
};

const CNI_DIR = '/etc/cni/net.d';
const CNI_NAMES = /\.(conflist|conf)$/;
const CNI_SOURCE = 'CNI network configuration in /etc/cni/net.d (containernetworking/cni SPEC.md, "type")';

/** Files and directories that give known consumers away (ids are KNOWN_CONSUMERS ids). */
export const FILE_SIGNS: readonly FileSign[] = [
  {
    consumer: 'wg-quick',
    path: '/etc/wireguard',
    kind: 'dir',
    names: /\.conf$/,
    tells: wgQuickMarks,
    source: 'WireGuard/wireguard-tools src/wg-quick/linux.bash (CONFIG_SEARCH_PATHS, add_default)',
  },
  {
    consumer: 'tailscale',
    path: '/var/lib/tailscale/tailscaled.state',
    kind: 'exists',
    source: 'tailscale paths/paths_unix.go (DefaultTailscaledStateFile)',
  },
  {
    consumer: 'mwan3',
    path: '/etc/config/mwan3',
    kind: 'read',
    tells: (f) => withOptions(f, ['mmx_mask']),
    source: 'openwrt/packages net/mwan3/files/etc/config/mwan3 (globals mmx_mask)',
  },
  {
    consumer: 'pbr',
    path: '/etc/config/pbr',
    kind: 'read',
    tells: (f) => withOptions(f, ['enabled', 'fw_mask', 'uplink_mark']),
    source: 'openwrt/packages net/pbr/files/etc/config/pbr (config pbr config: enabled, fw_mask)',
  },
  {
    consumer: 'firewalld',
    path: '/etc/firewalld/firewalld.conf',
    kind: 'read',
    tells: (f) => {
      const backend = /^\s*FirewallBackend\s*=\s*(\S+)/m.exec(f.text)?.[1];
      return backend ? `${f.path}: FirewallBackend=${backend}` : f.path;
    },
    source: 'firewalld/firewalld config/firewalld.conf (FirewallBackend)',
  },
  {
    consumer: 'firewalld',
    path: '/etc/firewalld/direct.xml',
    kind: 'read',
    tells: firewalldMarks,
    source: 'firewalld/firewalld doc/xml/firewalld.direct.xml (<rule>, <passthrough>)',
  },
  ...['zones', 'policies'].map(
    (dir): FileSign => ({
      consumer: 'firewalld',
      path: `/etc/firewalld/${dir}`,
      kind: 'dir',
      names: /\.xml$/,
      tells: firewalldMarks,
      source: 'firewalld/firewalld doc/xml/firewalld.richlanguage.xml (<mark set="mark[/mask]"/>)',
    }),
  ),
  {
    consumer: 'docker',
    path: '/etc/docker/daemon.json',
    kind: 'read',
    source: 'moby/moby daemon config file (default /etc/docker/daemon.json)',
  },
  {
    consumer: 'docker',
    path: '/var/lib/docker',
    kind: 'exists',
    source: 'moby/moby daemon data root (default /var/lib/docker)',
  },
  {
    consumer: 'netbird',
    path: '/var/lib/netbird',
    kind: 'exists',
    source: 'netbirdio/netbird client/internal/profilemanager (DefaultConfigPathDir /var/lib/netbird/)',
  },
  {
    consumer: 'netbird',
    path: '/etc/netbird/config.json',
    kind: 'exists',
    source: 'netbirdio/netbird client/internal/profilemanager (oldDefaultConfigPathDir /etc/netbird/)',
  },
  {
    consumer: 'nordvpn',
    path: '/var/lib/nordvpn',
    kind: 'exists',
    source: 'NordSecurity/nordvpn-linux internal/paths.go (AppDataPath /var/lib/nordvpn)',
  },
  {
    consumer: 'mullvad',
    path: '/etc/mullvad-vpn',
    kind: 'exists',
    source: 'mullvad/mullvadvpn-app mullvad-paths (Linux settings directory /etc/mullvad-vpn)',
  },
  {
    consumer: 'sqm-scripts',
    path: '/etc/config/sqm',
    kind: 'read',
    tells: (f) => (/^\s*option\s+enabled\s+['"]?1/m.test(f.text) ? `${f.path}: a queue enabled` : null),
    source: 'tohojo/sqm-scripts platform/openwrt/sqm-uci; openwrt/packages net/sqm-scripts (conffiles)',
  },
  {
    consumer: 'sqm-scripts',
    path: '/etc/sqm/sqm.conf',
    kind: 'exists',
    source: 'tohojo/sqm-scripts Makefile install-lib (/etc/sqm/sqm.conf)',
  },
  {
    consumer: 'dscpclassify',
    path: '/etc/config/dscpclassify',
    kind: 'read',
    source: 'jeverley/dscpclassify Makefile (conffiles /etc/config/dscpclassify)',
  },
  {
    consumer: 'firehol',
    path: '/etc/firehol/firehol.conf',
    kind: 'read',
    source: 'firehol/firehol sbin/firehol (FIREHOL_CONFIG /etc/firehol/firehol.conf)',
  },
  {
    consumer: 'shorewall',
    path: '/etc/shorewall/shorewall.conf',
    kind: 'read',
    source: 'shorewall Shorewall/configfiles/shorewall.conf (installed in /etc/shorewall)',
  },
  {
    consumer: 'vyos-policy-route',
    path: '/opt/vyatta/etc/config/config.boot',
    kind: 'read',
    tells: vyosSection('policy', /^\s+route6? \S+ \{/m, 'policy route configured'),
    source:
      'vyos/vyos-1x python/vyos/defaults.py (config /opt/vyatta/etc/config), interface-definitions/policy_route.xml.in',
  },
  {
    consumer: 'vyos-wlb',
    path: '/opt/vyatta/etc/config/config.boot',
    kind: 'read',
    tells: vyosSection('load-balancing', /^\s+wan \{/m, 'load-balancing wan configured'),
    source: 'vyos/vyos-1x python/vyos/defaults.py, interface-definitions/load-balancing_wan.xml.in',
  },
  {
    consumer: 'kube-vip',
    path: '/etc/kubernetes/manifests/kube-vip.yaml',
    kind: 'read',
    source: 'kube-vip/kube-vip docs (static pod manifest /etc/kubernetes/manifests/kube-vip.yaml)',
  },
  ...(
    [
      ['calico', 'calico'],
      ['cilium', 'cilium-cni'],
      ['flannel', 'flannel'],
      ['weave', 'weave-net'],
      ['antrea', 'antrea'],
      ['aws-vpc-cni', 'aws-cni'],
    ] as const
  ).map(
    ([consumer, type]): FileSign => ({
      consumer,
      path: CNI_DIR,
      kind: 'dir',
      names: CNI_NAMES,
      tells: cniPlugin(type),
      source: CNI_SOURCE,
    }),
  ),
];

/** Whether a file read from the box belongs to a sign (its path, or a matching name in its directory). */
export function signCovers(sign: FileSign, path: string): boolean {
  if (sign.kind !== 'dir') return sign.path === path;
  const dir = `${sign.path}/`;
  return path.startsWith(dir) && !path.slice(dir.length).includes('/') && sign.names!.test(path);
}

/** Known consumers that the files found show, each with its evidence (`/etc/config/mwan3: mmx_mask 0x3f00`). */
export function fileSightings(
  configs: readonly ConfigFile[],
  present: readonly string[],
): { consumer: string; evidence: string }[] {
  const out: { consumer: string; evidence: string }[] = [];
  for (const sign of FILE_SIGNS) {
    if (sign.kind === 'exists') {
      if (present.includes(sign.path))
        out.push({ consumer: sign.consumer, evidence: `${sign.path} present` });
      continue;
    }
    for (const file of configs) {
      if (!signCovers(sign, file.path)) continue;
      const why = sign.tells ? sign.tells(file) : file.path;
      if (why) out.push({ consumer: sign.consumer, evidence: why });
    }
  }
  return out;
}
