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
        space: 'connmark',
        mask: 0xff0000,
        access: 'writes',
        meaning: 'newer versions save and restore the 0xff0000 bits',
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
    overwritesWholeMark: [],
    setsSrcValidMark: true,
    tables: [52],
    rulePriorities: [5210, 5230, 5250, 5270],
    source:
      'tailscale tsconst/linuxfw.go; util/linuxfw/iptables_runner.go AddConnmarkSaveRule; wgengine/router/osrouter/router_linux.go',
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
];
