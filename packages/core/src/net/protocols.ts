// IP protocol numbers and the names the tools print for them (iptables-save: xtables_chain_protos and
// /etc/protocols; nft prints the name only for the protocols it has symbols for).

interface Protocol {
  readonly number: number;
  /** As iptables-save and nft print it. */
  readonly name: string;
  /** nft prints this protocol by name (`meta l4proto gre`); others it prints as a number. */
  readonly nft: boolean;
}

const PROTOCOLS: readonly Protocol[] = [
  { number: 1, name: 'icmp', nft: true },
  { number: 2, name: 'igmp', nft: true },
  { number: 4, name: 'ipencap', nft: false },
  { number: 6, name: 'tcp', nft: true },
  { number: 17, name: 'udp', nft: true },
  { number: 33, name: 'dccp', nft: false },
  { number: 41, name: 'ipv6', nft: false },
  { number: 47, name: 'gre', nft: true },
  { number: 50, name: 'esp', nft: true },
  { number: 51, name: 'ah', nft: true },
  { number: 58, name: 'ipv6-icmp', nft: true },
  { number: 89, name: 'ospf', nft: false },
  { number: 94, name: 'ipip', nft: false },
  { number: 103, name: 'pim', nft: false },
  { number: 112, name: 'vrrp', nft: false },
  { number: 115, name: 'l2tp', nft: false },
  { number: 132, name: 'sctp', nft: true },
  { number: 135, name: 'mh', nft: false },
  { number: 136, name: 'udplite', nft: true },
];

/** Other spellings the tools accept. */
const ALIASES: Readonly<Record<string, number>> = { icmpv6: 58, 'ipv6-mh': 135, ipv4: 4, 'ip-encap': 4 };

const BY_NAME: ReadonlyMap<string, number> = new Map([
  ...PROTOCOLS.map((p) => [p.name, p.number] as [string, number]),
  ...Object.entries(ALIASES),
]);

/** The protocol number of a name any of the tools accepts (case-insensitive), or undefined. */
export const protocolNumber = (name: string): number | undefined => BY_NAME.get(name.toLowerCase());

/** The name iptables-save prints for a protocol number, or the number. */
export const protocolName = (n: number): string => PROTOCOLS.find((p) => p.number === n)?.name ?? String(n);

/** Name -> number for the protocols nft reads and prints by name (its aliases included). */
export const NFT_PROTOCOLS: Readonly<Record<string, number>> = Object.fromEntries([
  ...PROTOCOLS.filter((p) => p.nft).map((p) => [p.name, p.number]),
  ['icmpv6', 58],
]);

/** Number -> name nft prints. */
export const NFT_PROTOCOL_NAMES: Readonly<Record<number, string>> = Object.fromEntries(
  PROTOCOLS.filter((p) => p.nft).map((p) => [p.number, p.name]),
);

/** The protocols documents, policy rules and the API name in words (`proto: "udp"`); others go by number. */
export const NAMED_PROTOCOLS = ['tcp', 'udp', 'icmp', 'icmpv6'] as const;
export type NamedProtocol = (typeof NAMED_PROTOCOLS)[number];

/** Protocols with ports in the transport header (tcp, udp, dccp, sctp, udplite), as nft `th` and iptables multiport read them. */
export const PORTED_PROTOCOLS: ReadonlySet<number> = new Set([6, 17, 33, 132, 136]);

/** The protocols a packet to simulate may name (`proto: "udp"`), sctp too. */
export const PACKET_PROTOCOLS: Readonly<Record<string, number>> = {
  tcp: 6,
  udp: 17,
  icmp: 1,
  icmpv6: 58,
  sctp: 132,
};
