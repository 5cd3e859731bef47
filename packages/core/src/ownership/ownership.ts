/**
 * The `protocol` number Markwright tags its ip rules with, so it can find and replace exactly its own rules.
 * 77 is not assigned by the kernel (RTPROT_* in include/uapi/linux/rtnetlink.h: 0-4, 8-18, 42, 99, 186-192),
 * not in iproute2's /etc/iproute2/rt_protos, and outside the 186-199 block FRR's rt_protos.d claims; routing
 * daemons and DHCP/RA clients cluster in those ranges, and ip rule protocols are one byte (0-255).
 */
export const MARKWRIGHT_RULE_PROTOCOL = 77;

/** The nft table (family inet) Markwright owns and replaces as a whole. */
export const MARKWRIGHT_TABLE = 'markwright';

/**
 * What Markwright owns on a box, and so may change: everything else is only read. Compile writes inside it and
 * deploy acts only on what it finds inside it. Routes it owns carry `ipRuleProtocol` too and live in the routing
 * tables the deployed document owns (`OwnedRoutes.tables`).
 */
export interface Ownership {
  /** The `inet` table replaced as a whole. */
  readonly table: string;
  /** `proto` tag on our ip rules. */
  readonly ipRuleProtocol: number;
  /** Inclusive priority range our ip rules live in. */
  readonly ipRulePriorities: readonly [number, number];
  /** Inclusive tc filter `prio` range our filters live in; class bindings without a priority start at its low end. */
  readonly tcPriorities: readonly [number, number];
}

export const DEFAULT_OWNERSHIP: Ownership = {
  table: MARKWRIGHT_TABLE,
  ipRuleProtocol: MARKWRIGHT_RULE_PROTOCOL,
  ipRulePriorities: [10000, 10999],
  tcPriorities: [49000, 49999],
};
