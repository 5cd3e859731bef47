import type { KnownConsumer } from './types';

// Read from the coexistence survey of router and QoS packages (openwrt/packages, firehol, vyos-1x, tc
// scripts). Entries not yet checked against the project's own code say so with `verified: false`.

/** Routers, multi-WAN, QoS and appliance firmware. */
export const ROUTER_CONSUMERS: readonly KnownConsumer[] = [
  {
    id: 'fw4',
    name: 'OpenWrt firewall4 (fw4)',
    bits: [],
    marks: [],
    overwritesWholeMark: [],
    setsSrcValidMark: false,
    notes:
      'No bits reserved: marks come only from "config rule" set_mark/set_xmark options, rendered into its mangle_* chains of table inet fw4.',
    source: 'openwrt/firewall4 root/usr/share/firewall4/templates/ruleset.uc, rule.uc',
    verified: true,
  },
  {
    id: 'pbr',
    name: 'OpenWrt pbr (policy-based routing)',
    bits: [{ space: 'fwmark', mask: 0xff0000, access: 'writes', meaning: 'fw_mask: one mark per interface' }],
    marks: [
      { space: 'fwmark', name: 'uplink', value: 0x10000, mask: 0xff0000, meaning: 'uplink_mark default' },
    ],
    overwritesWholeMark: [],
    setsSrcValidMark: false,
    priorityBands: [
      {
        from: 29745,
        to: 30001,
        when: 'uplink_ip_rules_priority (30000) + 1 down by fw_mask / uplink_mark (255 interfaces)',
      },
    ],
    settings:
      "uci set pbr.config.fw_mask='...', pbr.config.uplink_mark and pbr.config.uplink_ip_rules_priority",
    source:
      'openwrt/packages net/pbr/files/lib/pbr/config.uc (fw_mask 00ff0000, uplink_mark 00010000, uplink_ip_rules_priority 30000); lib/pbr/pbr.uc (rule window prio_min..prio_max)',
    verified: true,
  },
  {
    id: 'firehol',
    name: 'FireHOL 3',
    bits: [
      { space: 'fwmark', mask: 0x3f, access: 'writes', meaning: 'markdef connmark 64: the connmark helper' },
      { space: 'fwmark', mask: 0x1fc0, access: 'writes', meaning: 'markdef usermark 128: the mark helper' },
      {
        space: 'connmark',
        mask: 0x1fff,
        access: 'writes',
        meaning:
          'both saved on NEW and restored on ESTABLISHED,RELATED (CONNMARK --save-mark/--restore-mark --mask)',
      },
    ],
    marks: [],
    overwritesWholeMark: [],
    setsSrcValidMark: false,
    settings: 'markdef lines in /etc/firehol/marks.conf (each group takes the next bits up)',
    source:
      'firehol/firehol sbin/firehol (markdef connmark 64, markdef usermark 128; MARKS_SAVERESTORE_STATEFUL_MASK save/restore rules)',
    verified: true,
  },
  {
    id: 'vyos-policy-route',
    name: 'VyOS policy route',
    bits: [
      {
        space: 'fwmark',
        mask: 0x7fffffff,
        access: 'writes',
        meaning: '"set table N" marks packets with 0x7FFFFFFF - N, as a whole mark',
      },
    ],
    marks: [],
    overwritesWholeMark: ['fwmark'],
    wholeMarkNote: '"meta mark set 0x7FFFFFFF - table" for every policy route rule that sets a table',
    setsSrcValidMark: false,
    priorityBands: [{ from: 1, to: 200, when: 'one rule per "set table N" (1-200), at priority N' }],
    notes:
      'Rules live in table ip/ip6 vyos_mangle, chains VYOS_PBR_PREROUTING and VYOS_PBR_UD_<policy>; the ip rule is "pref N fwmark 0x7FFFFFFF-N table N".',
    source:
      'vyos/vyos-1x python/vyos/firewall.py parse_rule (mark = 0x7FFFFFFF - int(table)); src/conf_mode/policy_route.py apply_table_marks; data/templates/firewall/nftables-policy.j2; interface-definitions/include/firewall/set-packet-modifications-table-and-vrf.xml.i (table 1-200)',
    verified: true,
  },
  {
    id: 'vyos-wlb',
    name: 'VyOS WAN load balancing',
    bits: [
      { space: 'fwmark', mask: 0xff, access: 'writes', meaning: 'interface marks 0xC8 + i' },
      { space: 'connmark', mask: 0xff, access: 'writes', meaning: 'interface marks 0xC8 + i saved per flow' },
    ],
    marks: [],
    overwritesWholeMark: ['fwmark', 'connmark'],
    wholeMarkNote: 'interface marks 0xC8 + i are set and restored as whole values',
    setsSrcValidMark: false,
    tableBands: [{ from: 201, to: 263 }],
    priorityBands: [
      { from: 201, to: 263 },
      { from: 301, to: 363 },
    ],
    notes:
      'Interface i (from 1) gets mark and table 0xC8 + i, ip rules "fwmark M table main suppress_prefixlength 0" at 200 + i and "fwmark M table 200 + i" at 300 + i. Rules live in table ip vyos_wanloadbalance (chains wlb_mangle_*); before the nftables rewrite, in mangle chains WANLOADBALANCE_PRE and ISP_<interface>.',
    source:
      'vyos/vyos-1x src/helpers/vyos-load-balancer.py (mark_offset 0xc8, ip rule priorities), data/templates/load-balancing/nftables-wlb.j2, smoketest/scripts/cli/test_load-balancing_wan.py',
    verified: true,
  },
  {
    id: 'sqm-scripts',
    name: 'sqm-scripts',
    bits: [{ space: 'fwmark', mask: 0xff, access: 'writes', meaning: 'IPT_MASK for tc classification' }],
    marks: [],
    overwritesWholeMark: [],
    setsSrcValidMark: false,
    settings: 'IPT_MASK in the sqm defaults',
    notes: 'Marks are set with --set-mark V/IPT_MASK in mangle chains QOS_MARK_<interface>.',
    source: 'tohojo/sqm-scripts src/defaults.sh (IPT_MASK 0xff), src/functions.sh ipt_setup_map_dscp_fwmark',
    verified: true,
  },
  {
    id: 'dscpclassify',
    name: 'OpenWrt dscpclassify',
    bits: [
      {
        space: 'connmark',
        mask: 0xff,
        access: 'writes',
        meaning: 'DSCP (0x3f), static (0x40) and dynamic (0x80) class bits kept in the ct mark',
      },
    ],
    marks: [],
    overwritesWholeMark: [],
    setsSrcValidMark: false,
    notes:
      'Rules live in table inet dscpclassify; "ct mark set ct mark and 0xffffff00 or ..." keeps the other bits.',
    source: 'jeverley/dscpclassify etc/dscpclassify.d/main.nft (ct_dscp 0x3f, ct_static 0x40, ct_dyn 0x80)',
    verified: true,
  },
  {
    id: 'unifi-os',
    name: 'UniFi OS (UDM/UDR)',
    bits: [
      { space: 'fwmark', mask: 0x7e0000, access: 'writes', meaning: 'routing marks 0x1c0000/0x7e0000' },
      { space: 'fwmark', mask: 0x10000, access: 'writes', meaning: 'mark 0x10000' },
    ],
    marks: [
      { space: 'fwmark', name: 'route', value: 0x1c0000, mask: 0x7e0000, meaning: 'policy routing mark' },
    ],
    overwritesWholeMark: [],
    setsSrcValidMark: false,
    notes: "Tailscale's bypass mark 0x80000 fell into UniFi's WireGuard routing (tailscale#18443).",
    source: 'tailscale#18443, unifi-common#132 (firmware, not public code)',
    verified: false,
  },
  {
    id: 'glinet',
    name: 'GL.iNet firmware',
    bits: [{ space: 'fwmark', mask: 0xf000, access: 'writes', meaning: 'VPN policy marks 0x8000/0xf000' }],
    marks: [{ space: 'fwmark', name: 'vpn', value: 0x8000, mask: 0xf000, meaning: 'VPN policy routing' }],
    overwritesWholeMark: [],
    setsSrcValidMark: false,
    source: 'GL.iNet firmware VPN policy scripts (not public code)',
    verified: false,
  },
];

/** Kubernetes add-ons beyond the network plugins. */
export const CLUSTER_ADDON_CONSUMERS: readonly KnownConsumer[] = [
  {
    id: 'submariner',
    name: 'Submariner Globalnet',
    bits: [
      { space: 'fwmark', mask: 0xc0000, access: 'writes', meaning: 'globalNetIPTableMark 0xC0000/0xC0000' },
    ],
    marks: [
      {
        space: 'fwmark',
        name: 'globalnet',
        value: 0xc0000,
        mask: 0xc0000,
        meaning: 'traffic to connected clusters, SNATed to a global IP',
      },
    ],
    overwritesWholeMark: [],
    setsSrcValidMark: false,
    tables: [149],
    source:
      'submariner-io/submariner pkg/globalnet/controllers/types.go (globalNetIPTableMark); pkg/routeagent_driver/constants/constants.go (table 149)',
    verified: true,
  },
  {
    id: 'kube-vip',
    name: 'kube-vip',
    bits: [
      {
        space: 'fwmark',
        mask: 0x40,
        access: 'writes',
        meaning: 'egress mark 64/64 in mangle chain KUBE-VIP-EGRESS, SNATed to the VIP',
        versions: 'service egress (iptables)',
      },
      {
        space: 'connmark',
        mask: 0x1ffff,
        access: 'writes',
        meaning: 'tunnel connmark 0x10000 + WireGuard listen port, set whole on packets from the tunnel',
        versions: 'WireGuard tunnel mode (nftables)',
      },
      {
        space: 'fwmark',
        mask: 0x1ffff,
        access: 'writes',
        meaning: 'that ct mark restored whole onto the packet mark',
        versions: 'WireGuard tunnel mode (nftables)',
      },
    ],
    marks: [
      { space: 'fwmark', name: 'egress', value: 0x40, mask: 0x40, meaning: 'pod egress through the VIP' },
    ],
    overwritesWholeMark: ['connmark'],
    wholeMarkNote:
      '"ct mark set 0x10000 + port" on packets from the tunnel interface, in table kube_vip_v4/v6',
    wholeMarkVersions: 'WireGuard tunnel mode (nftables)',
    setsSrcValidMark: false,
    notes:
      'The issue-tracker figure "ct 0xffff" is not in the code: egress uses fwmark 0x40, the tunnel mode ct mark 0x10000 + port.',
    source:
      'kube-vip/kube-vip pkg/vip/egress.go (MangleChainName KUBE-VIP-EGRESS, --set-mark 64/64); pkg/nftables/nftables.go (connmarkOffset 0x10000, EnsureTunnelInfrastructure)',
    verified: true,
  },
];
