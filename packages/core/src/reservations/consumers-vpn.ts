import type { KnownConsumer } from './types';

/** VPNs, tunnels and proxies. */
export const VPN_CONSUMERS: readonly KnownConsumer[] = [
  {
    id: 'tailscale',
    name: 'Tailscale (Linux)',
    bits: [
      {
        space: 'fwmark',
        mask: 0xff0000,
        access: 'writes',
        meaning: 'Tailscale mark mask (subnet-route and bypass marks)',
      },
      {
        space: 'fwmark',
        mask: 0xff00,
        access: 'writes',
        meaning: 'byte-swapped mask 0x0000ff00 with marks 0x400/0x800 (little-endian hosts)',
        versions: '< 1.100, nftables mode',
        span: { before: '1.100' },
      },
      {
        space: 'connmark',
        mask: 0xff0000,
        access: 'writes',
        meaning: 'saves and restores the 0xff0000 bits',
        versions: '>= 1.96',
        span: { since: '1.96' },
      },
    ],
    marks: [
      {
        space: 'fwmark',
        name: 'subnet-route',
        value: 0x40000,
        mask: 0xff0000,
        meaning: 'from tailscale0, may be forwarded and masqueraded',
      },
      {
        space: 'fwmark',
        name: 'bypass',
        value: 0x80000,
        mask: 0xff0000,
        meaning: "tailscaled's own sockets (SO_MARK): must not use the tailnet",
      },
    ],
    overwritesWholeMark: ['fwmark'],
    wholeMarkNote:
      '"meta mark set ct mark & 0x00ff0000" on established packets replaces the whole fwmark (since 1.96; from 1.100 only when ct mark & 0xff0000 != 0)',
    wholeMarkVersions: '>= 1.96, nftables mode',
    wholeMarkSpan: { since: '1.96' },
    setsSrcValidMark: true,
    srcValidMarkSpan: { since: '1.98' },
    tables: [52],
    rulePriorities: [5210, 5230, 5250, 5270],
    priorityBands: [{ from: 1310, to: 1370, when: 'with mwan3 present' }],
    settings:
      'tailscale set --linux-fwmark-mask=M --linux-subnet-route-mark=V --linux-bypass-mark=V (LinuxPacketMarks)',
    notes:
      'Marks are configurable since the LinuxPacketMarks preference (tailscale#18695). The nftables mask was byte-swapped until the endianness fix and restore guard of PR#19725, first in a release tag at v1.100.0 (the 1.98 branch was cut before it; unstable 1.99 builds after May 2026 have it); the ct mark save/restore came in v1.96.0 (PR#18860) and broke Mullvad split tunnelling (#19787); src_valid_mark=1 came in v1.98.0 (PR#19537).',
    source:
      'tailscale tsconst/linuxfw.go; util/linuxfw/linuxfw.go getTailscaleFwmarkMask; util/linuxfw/iptables_runner.go AddConnmarkSaveRule; util/linuxfw/nftables_runner.go makeConnmarkRestoreExprs; wgengine/router/osrouter/router_linux.go; cmd/tailscale/cli (--linux-fwmark-mask); PR#19725 (v1.100.0), PR#19537 (v1.98.0), PR#18860 (v1.96.0), #19391',
    verified: true,
  },
  {
    id: 'wg-quick',
    name: 'wg-quick',
    bits: [
      {
        space: 'fwmark',
        mask: 0xca6c,
        access: 'writes',
        meaning: 'FwMark 51820 on the WireGuard socket (SO_MARK)',
      },
    ],
    marks: [
      {
        space: 'fwmark',
        name: 'fwmark',
        value: 0xca6c,
        mask: 0xffffffff,
        meaning: 'WireGuard socket mark; "not fwmark 51820 table 51820"',
      },
    ],
    overwritesWholeMark: ['fwmark', 'connmark'],
    wholeMarkNote:
      'PREROUTING "-p udp -j CONNMARK --restore-mark" copies the whole ct mark into every UDP packet; POSTROUTING --save-mark copies the whole mark',
    setsSrcValidMark: true,
    tables: [51820],
    notes:
      'Only with Table=auto and a /0 AllowedIPs; the mark is incremented when table 51820 is in use. ip rules get no fixed priority.',
    source: 'WireGuard/wireguard-tools src/wg-quick/linux.bash add_default()',
    verified: true,
  },
  {
    id: 'networkmanager',
    name: 'NetworkManager (WireGuard)',
    bits: [
      {
        space: 'fwmark',
        mask: 0xcfff,
        access: 'writes',
        meaning: 'auto fwmark 51820 + (siphash(uuid) mod 500), compared whole',
      },
    ],
    marks: [],
    overwritesWholeMark: [],
    setsSrcValidMark: false,
    notes:
      'wireguard.fwmark defaults to 0 (off); the auto mark applies with ip4/ip6-auto-default-route and is used as the table too.',
    source: 'NetworkManager nm-device-wireguard.c _auto_default_route_get_auto_fwmark, get_extra_rules',
    verified: true,
  },
  {
    id: 'systemd-networkd',
    name: 'systemd-networkd',
    bits: [],
    marks: [],
    overwritesWholeMark: [],
    setsSrcValidMark: false,
    notes:
      'No bits reserved; [WireGuard] FirewallMark= and [RoutingPolicyRule] FirewallMark=value[/mask] are user-set.',
    source: 'systemd.netdev(5), systemd.network(5)',
    verified: false,
  },
  {
    id: 'mullvad',
    name: 'Mullvad VPN',
    bits: [
      {
        space: 'fwmark',
        mask: 0x6d6f6c65,
        access: 'writes',
        meaning: 'tunnel fwmark "mole", set as a whole mark',
      },
      {
        space: 'connmark',
        mask: 0xf41,
        access: 'writes',
        meaning: 'split-tunnel ct mark, set as a whole mark',
      },
    ],
    marks: [
      {
        space: 'fwmark',
        name: 'tunnel',
        value: 0x6d6f6c65,
        mask: 0xffffffff,
        meaning: 'excluded traffic and tunnel endpoints',
      },
      {
        space: 'connmark',
        name: 'split-tunnel',
        value: 0xf41,
        mask: 0xffffffff,
        meaning: 'split-tunnel (excluded) connection',
      },
    ],
    overwritesWholeMark: ['fwmark', 'connmark'],
    wholeMarkNote: '"ct mark set 0xf41" and "meta mark set 0x6d6f6c65" for excluded traffic',
    setsSrcValidMark: true,
    tables: [1836018789],
    source:
      'mullvadvpn-app mullvad-types/src/lib.rs; talpid-core/src/split_tunnel/linux/mod.rs; talpid-core/src/firewall/linux.rs',
    verified: true,
  },
  {
    id: 'sing-box',
    name: 'sing-box / sing-tun (also mihomo TUN)',
    bits: [
      { space: 'fwmark', mask: 0x2027, access: 'writes', meaning: 'auto_redirect marks 0x2023 and 0x2024' },
    ],
    marks: [
      {
        space: 'fwmark',
        name: 'redirect-input',
        value: 0x2023,
        mask: 0xffffffff,
        meaning: 'auto_redirect input mark',
      },
      {
        space: 'fwmark',
        name: 'redirect-output',
        value: 0x2024,
        mask: 0xffffffff,
        meaning: 'auto_redirect output mark',
      },
    ],
    overwritesWholeMark: [],
    setsSrcValidMark: false,
    tables: [2022],
    rulePriorities: [9000],
    notes: 'Defaults used when the options are 0; routing_mark/default_mark are user-set.',
    source: 'sagernet/sing-tun redirect.go, tun.go; sing-box inbound/tun.go',
    verified: true,
  },
  {
    id: 'clash',
    name: 'Clash / mihomo',
    bits: [],
    marks: [],
    overwritesWholeMark: [],
    setsSrcValidMark: false,
    notes:
      'routing-mark is user-set (SO_MARK on outbound sockets) with no default; commonly seen 6666 or 255 (not checked).',
    source: 'Clash / mihomo configuration reference',
    verified: false,
  },
  {
    id: 'xray',
    name: 'Xray',
    bits: [],
    marks: [],
    overwritesWholeMark: [],
    setsSrcValidMark: false,
    notes: 'sockopt.mark defaults to 0 (off); non-zero sets SO_MARK on outbound sockets.',
    source: 'xtls.github.io config/transports/sockopt',
    verified: true,
  },
  {
    id: 'istio-sidecar',
    name: 'Istio sidecar (TPROXY mode)',
    bits: [
      {
        space: 'fwmark',
        mask: 0x53b,
        access: 'writes',
        meaning: 'inbound TPROXY mark 1337 and outbound mark 1338, set whole',
      },
    ],
    marks: [
      {
        space: 'fwmark',
        name: 'tproxy',
        value: 0x539,
        mask: 0xffffffff,
        meaning: 'ISTIO_DIVERT --set-mark 1337 (route table 133)',
      },
      { space: 'fwmark', name: 'outbound', value: 0x53a, mask: 0xffffffff, meaning: 'OutboundMark 1338' },
    ],
    overwritesWholeMark: ['fwmark'],
    wholeMarkNote: 'ISTIO_DIVERT "-j MARK --set-mark 1337" and TPROXY --tproxy-mark 1337/0xffffffff',
    setsSrcValidMark: false,
    tables: [133],
    notes:
      'The fwmark registry lists Istio as 0x1337; the code uses decimal 1337 = 0x539. Runs inside the pod namespace.',
    source: 'istio tools/istio-iptables/pkg/constants/constants.go, pkg/capture/run.go',
    verified: true,
  },
  {
    id: 'istio-ambient',
    name: 'Istio ambient (istio-cni + ztunnel, in-pod)',
    bits: [
      {
        space: 'fwmark',
        mask: 0xfff,
        access: 'writes',
        meaning: 'InpodMark 0x539 and InpodTProxyMark 0x111 under mask 0xfff',
      },
      { space: 'connmark', mask: 0xfff, access: 'writes', meaning: 'CONNMARK --set-xmark 0x111/0xfff' },
    ],
    marks: [
      { space: 'fwmark', name: 'inpod', value: 0x539, mask: 0xfff, meaning: 'InpodMark' },
      {
        space: 'fwmark',
        name: 'inpod-tproxy',
        value: 0x111,
        mask: 0xfff,
        meaning: 'InpodTProxyMark (ip rule 32764 lookup 100)',
      },
      {
        space: 'connmark',
        name: 'inpod-tproxy',
        value: 0x111,
        mask: 0xfff,
        meaning: 'connection marked for TPROXY',
      },
    ],
    overwritesWholeMark: ['fwmark'],
    wholeMarkNote: 'OUTPUT CONNMARK --restore-mark with InpodRestoreMask 0xffffffff copies the whole ct mark',
    setsSrcValidMark: false,
    tables: [100],
    rulePriorities: [32764],
    notes:
      'Inside the pod network namespace. Rule shapes read from a re-implementation with identical constants.',
    source: 'istio cni/pkg/config, cni/pkg/iptables/iptables.go',
    verified: true,
  },
  {
    id: 'netbird',
    name: 'NetBird',
    bits: [
      {
        space: 'fwmark',
        mask: 0x1bdff,
        access: 'writes',
        meaning: 'control-plane mark 0x1BD00 and data-plane marks 0x1BD10-0x1BDFF, set whole',
      },
    ],
    marks: [
      {
        space: 'fwmark',
        name: 'control-plane',
        value: 0x1bd00,
        mask: 0xffffffff,
        meaning: 'ControlPlaneMark: must not be routed into the NetBird interface',
      },
      { space: 'fwmark', name: 'data-in', value: 0x1bd10, mask: 0xffffffff, meaning: 'DataPlaneMarkIn' },
      { space: 'fwmark', name: 'data-out', value: 0x1bd11, mask: 0xffffffff, meaning: 'DataPlaneMarkOut' },
      {
        space: 'fwmark',
        name: 'redirected',
        value: 0x1bd20,
        mask: 0xffffffff,
        meaning: 'PreroutingFwmarkRedirected',
      },
    ],
    overwritesWholeMark: ['fwmark'],
    wholeMarkNote: 'the marks are whole values (SO_MARK and nft "meta mark set 0x1bd..")',
    setsSrcValidMark: false,
    tables: [7120],
    priorityBands: [{ from: 105, to: 110 }],
    source:
      'netbirdio/netbird util/net/net.go (ControlPlaneMark, DataPlaneMarkLower/Upper); client/internal/routemanager/systemops/systemops_linux.go (NetbirdVPNTableID 0x1BD0, rules 105/110)',
    verified: true,
  },
  {
    id: 'nordvpn',
    name: 'NordVPN (Linux)',
    bits: [
      {
        space: 'fwmark',
        mask: 0xe1f1,
        access: 'writes',
        meaning: 'allowlist/routing mark 0xe1f1, set whole',
      },
    ],
    marks: [
      {
        space: 'fwmark',
        name: 'allowlist',
        value: 0xe1f1,
        mask: 0xffffffff,
        meaning: 'mangle PREROUTING "-j MARK --set-mark 0xe1f1" for allowlisted subnets and ports',
      },
    ],
    overwritesWholeMark: ['fwmark'],
    wholeMarkNote: '"-j MARK --set-mark 0xe1f1" without a mask',
    setsSrcValidMark: false,
    source: 'NordSecurity/nordvpn-linux allowlist routing (routeSubnetsToIPTables, --set-mark 0xe1f1)',
    verified: true,
  },
];
