import type { KnownConsumer } from './types';

/** Firewalls, routers, container engines and operating systems. */
export const HOST_CONSUMERS: readonly KnownConsumer[] = [
  {
    id: 'docker',
    name: 'Docker / moby',
    bits: [
      {
        space: 'fwmark',
        mask: 0xd0c4e3,
        access: 'writes',
        meaning: 'encrypted overlay (IPsec) mark 0xD0C4E3, set whole',
      },
    ],
    marks: [
      {
        space: 'fwmark',
        name: 'overlay-ipsec',
        value: 0xd0c4e3,
        mask: 0xffffffff,
        meaning: 'encrypted VXLAN in host mangle OUTPUT',
      },
    ],
    overwritesWholeMark: ['fwmark'],
    wholeMarkNote: 'with encrypted overlay networks: "-j MARK --set-mark 0xD0C4E3" in host mangle OUTPUT',
    setsSrcValidMark: false,
    notes:
      'Swarm service load balancing sets whole marks from 256 up, but only inside the sandbox/ingress namespaces. Plain bridge networking reserves nothing.',
    source:
      'moby daemon/libnetwork/drivers/overlay/encryption.go; daemon/libnetwork/service.go, service_linux.go',
    verified: true,
  },
  {
    id: 'netavark',
    name: 'netavark (podman)',
    bits: [
      { space: 'fwmark', mask: 0x2000, access: 'writes', meaning: 'masquerade mark' },
      { space: 'connmark', mask: 0x1000, access: 'writes', meaning: 'port-forward DNAT mark' },
    ],
    marks: [
      { space: 'fwmark', name: 'masq', value: 0x2000, mask: 0x2000, meaning: 'masquerade in postrouting' },
      {
        space: 'connmark',
        name: 'dnat',
        value: 0x1000,
        mask: 0x1000,
        meaning: 'port-forwarded connection (accepted in forward)',
      },
    ],
    overwritesWholeMark: ['connmark'],
    wholeMarkNote:
      'port-forward DNAT "ct mark set meta mark | 0x1000" copies the whole packet mark into the ct mark',
    setsSrcValidMark: false,
    source: 'containers/netavark src/firewall/nft.rs (MASQUERADE_MASK, DNAT_MASK)',
    verified: true,
  },
  {
    id: 'firewalld',
    name: 'firewalld',
    bits: [],
    marks: [],
    overwritesWholeMark: [],
    setsSrcValidMark: false,
    labels: {
      where:
        'security table chains INPUT_direct, OUTPUT_direct, FORWARD_direct, jumped to from INPUT, OUTPUT, FORWARD',
      meaning:
        "direct rules (firewall-cmd --direct ... security ...) label packets there with SECMARK/CONNSECMARK at the security priority, the same hooks as Markwright's labels",
      versions: 'iptables backend, and direct rules on either backend',
    },
    notes:
      'No bits reserved. Rich rule "mark set=V/M" means (m & ~M) ^ V on the iptables backend but (m & M) ^ V on the nftables backend (firewalld#1564).',
    source:
      'firewalld src/firewall/core/nftables.py, ipXtables.py (BUILT_IN_CHAINS["security"], build_default_rules)',
    verified: true,
  },
  {
    id: 'mwan3',
    name: 'OpenWrt mwan3',
    bits: [
      {
        space: 'fwmark',
        mask: 0x3f00,
        access: 'writes',
        meaning: 'mmx_mask: interface ids spread over the mask bits',
      },
      {
        space: 'connmark',
        mask: 0x3f00,
        access: 'writes',
        meaning: 'CONNMARK --save-mark/--restore-mark --nfmask/--ctmask mmx_mask',
      },
    ],
    marks: [
      { space: 'fwmark', name: 'default', value: 0x3f00, mask: 0x3f00, meaning: 'DEFAULT (all ones)' },
      { space: 'fwmark', name: 'unreachable', value: 0x3e00, mask: 0x3f00, meaning: 'UNREACHABLE (2^n - 2)' },
      { space: 'fwmark', name: 'blackhole', value: 0x3d00, mask: 0x3f00, meaning: 'BLACKHOLE (2^n - 3)' },
    ],
    overwritesWholeMark: [],
    setsSrcValidMark: false,
    tableBands: [{ from: 1, to: 60 }],
    priorityBands: [
      { from: 1001, to: 1060 },
      { from: 2001, to: 2062 },
      { from: 3001, to: 3060 },
    ],
    settings: "uci set mwan3.globals.mmx_mask='0x...' (at least 3 contiguous bits)",
    notes: 'Interface ids 1..2^n-4 (60 for the default mask); table id = interface id.',
    source:
      'openwrt/packages net/mwan3/files/lib/mwan3/common.sh, mwan3.sh mwan3_init, mwan3_create_iface_rules (mwan3 2.12.2)',
    verified: true,
  },
  {
    id: 'mwan4',
    name: 'OpenWrt mwan4',
    bits: [{ space: 'fwmark', mask: 0xff00, access: 'writes', meaning: 'interface ids (mwan3 scheme)' }],
    marks: [],
    overwritesWholeMark: [],
    setsSrcValidMark: false,
    source: 'code index hits; repository not named',
    verified: false,
  },
  {
    id: 'multiwan-nft',
    name: 'OpenWrt multiwan-nft',
    bits: [
      {
        space: 'fwmark',
        mask: 0x3f0000,
        access: 'writes',
        meaning: 'interface ids (mwan3 scheme); low byte left for QoS',
      },
    ],
    marks: [],
    overwritesWholeMark: [],
    setsSrcValidMark: false,
    source: 'code index hits; repository not named',
    verified: false,
  },
  {
    id: 'shorewall',
    name: 'Shorewall 5.x (defaults)',
    bits: [
      {
        space: 'fwmark',
        mask: 0xff,
        access: 'writes',
        meaning: 'TC marks and provider marks (TC_BITS=8, PROVIDER_OFFSET=0)',
      },
      { space: 'connmark', mask: 0xff, access: 'writes', meaning: 'provider marks saved in the ct mark' },
      {
        space: 'fwmark',
        mask: 0x700,
        access: 'writes',
        meaning: 'EXCLUSION_MASK 0x100, TPROXY_MARK 0x200, EVENT_MARK 0x400',
      },
    ],
    marks: [
      { space: 'fwmark', name: 'exclusion', value: 0x100, mask: 0x100, meaning: 'EXCLUSION_MASK' },
      { space: 'fwmark', name: 'tproxy', value: 0x200, mask: 0x200, meaning: 'TPROXY_MARK' },
      { space: 'fwmark', name: 'event', value: 0x400, mask: 0x400, meaning: 'EVENT_MARK' },
    ],
    overwritesWholeMark: [],
    setsSrcValidMark: false,
    notes: 'WIDE_TC_MARKS and HIGH_ROUTE_MARKS move these bits (TC 14 bits, providers at offset 8 or 16).',
    source: 'Whissi/shorewall Shorewall/Perl/Shorewall/Config.pm',
    verified: true,
  },
  {
    id: 'opensnitch',
    name: 'OpenSnitch',
    bits: [],
    marks: [],
    overwritesWholeMark: [],
    setsSrcValidMark: false,
    notes:
      "NFQUEUE verdicts pass the packet's existing mark back; system-firewall rules may set user-chosen marks.",
    source: 'evilsocket/opensnitch daemon/netfilter/packet.go, daemon/firewall/iptables/rules.go',
    verified: true,
  },
  {
    id: 'android-netd',
    name: 'Android netd',
    bits: [
      { space: 'fwmark', mask: 0xffff, access: 'writes', meaning: 'netId' },
      { space: 'fwmark', mask: 0x10000, access: 'writes', meaning: 'explicitlySelected' },
      { space: 'fwmark', mask: 0x20000, access: 'writes', meaning: 'protectedFromVpn' },
      {
        space: 'fwmark',
        mask: 0xc0000,
        access: 'writes',
        meaning: 'permission (NETWORK 0x40000, SYSTEM 0xc0000)',
      },
      { space: 'fwmark', mask: 0x100000, access: 'writes', meaning: 'uidBillingDone' },
      { space: 'fwmark', mask: 0x1fe00000, access: 'writes', meaning: 'reserved' },
      { space: 'fwmark', mask: 0x60000000, access: 'writes', meaning: 'vendor bits' },
      { space: 'fwmark', mask: 0x80000000, access: 'writes', meaning: 'ingress_cpu_wakeup' },
    ],
    marks: [
      {
        space: 'fwmark',
        name: 'explicitly-selected',
        value: 0x10000,
        mask: 0x10000,
        meaning: 'network explicitly selected',
      },
      {
        space: 'fwmark',
        name: 'protected-from-vpn',
        value: 0x20000,
        mask: 0x20000,
        meaning: 'protected from VPN',
      },
      {
        space: 'fwmark',
        name: 'permission-network',
        value: 0x40000,
        mask: 0xc0000,
        meaning: 'permission NETWORK',
      },
      {
        space: 'fwmark',
        name: 'permission-system',
        value: 0xc0000,
        mask: 0xc0000,
        meaning: 'permission SYSTEM',
      },
      {
        space: 'fwmark',
        name: 'uid-billing-done',
        value: 0x100000,
        mask: 0x100000,
        meaning: 'uidBillingDone',
      },
      {
        space: 'fwmark',
        name: 'ingress-cpu-wakeup',
        value: 0x80000000,
        mask: 0x80000000,
        meaning: 'ingress_cpu_wakeup',
      },
    ],
    overwritesWholeMark: [],
    setsSrcValidMark: false,
    notes: 'Bit order assumes LSB-first bitfield allocation.',
    source: 'AOSP system/netd/include/Fwmark.h, include/Permission.h',
    verified: true,
  },
];
