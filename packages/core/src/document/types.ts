import type { FieldValues, Layout } from '../layout/types';
import type { NamedProtocol } from '../net/protocols';

export const DOCUMENT_FORMAT = 'markwright/1';

/** Ports: a number, a range text `"1000-2000"`, or a list of those. */
export type PortSpec = number | string | readonly (number | string)[];

/** What a policy rule selects; all given keys must hold. */
export interface PacketMatch {
  readonly iif?: string;
  readonly oif?: string;
  readonly proto?: NamedProtocol | number;
  readonly saddr?: string;
  readonly daddr?: string;
  readonly sport?: PortSpec;
  readonly dport?: PortSpec;
  /** Match on field values already in the mark. */
  readonly fields?: FieldValues;
}

/** Where a policy rule runs: traffic arriving (prerouting, the default) or locally generated (output). */
export type PolicyHook = 'prerouting' | 'output' | 'forward' | 'postrouting';

export interface PolicyRule {
  readonly name: string;
  readonly match: PacketMatch;
  /** Field values written (written in the document's `set` beside them: `"secmark"` names the label). */
  readonly set: FieldValues;
  /** The layout label this rule sets, written as `"set": { "secmark": "name" }`. */
  readonly secmark?: string;
  readonly hook?: PolicyHook;
}

/** Route types a table Markwright owns may hold (`ip route add TYPE ...`). */
export type TableRouteType = 'unicast' | 'blackhole' | 'unreachable' | 'prohibit' | 'throw';

/** One route declared in an owned table: `ip route add [TYPE] TO [via VIA] [dev DEV] [metric N] table T`. */
export interface TableRoute {
  /** `"default"` or an IPv4/IPv6 address or prefix (a bare address is a host route). */
  readonly to: string;
  /** Gateway address; its family is the route's. */
  readonly via?: string;
  readonly dev?: string;
  /** Default `unicast`; the others take neither `via` nor `dev`. */
  readonly type?: TableRouteType;
  readonly metric?: number;
}

/** Routes of an interface copied from the kernel's own tables into an owned table, kept in sync on apply. */
export interface RouteCopy {
  readonly dev: string;
  /** The connected routes of `dev` in table main (its subnets, `proto kernel`, no gateway); default true. */
  readonly connected?: boolean;
  /** Its local and broadcast routes in table local (its own addresses); default false. */
  readonly local?: boolean;
}

/** The routes of a table Markwright owns: declared ones, and ones copied from interfaces. */
export interface OwnedTableSpec {
  readonly routes: readonly TableRoute[];
  readonly copy: readonly RouteCopy[];
}

/**
 * An ip rule: packets selected by `when` (fwmark), `iif`, `oif`, `from`, `to` (all given must hold; `not`
 * inverts the whole selector) look up `table`. With `owns`, Markwright also writes the table's routes.
 */
export interface RouteBinding {
  readonly when?: FieldValues;
  readonly iif?: string;
  readonly oif?: string;
  /** Source prefix (`from`), an IPv4 or IPv6 address or prefix; limits the rule to that family. */
  readonly from?: string;
  /** Destination prefix (`to`). */
  readonly to?: string;
  /** Select the packets the selector does NOT match (`ip rule add not ...`). */
  readonly not?: boolean;
  /** `suppress_prefixlength N`: refuse a lookup result whose prefix is N bits or shorter. */
  readonly suppressPrefixlength?: number;
  readonly table: number;
  readonly priority: number;
  /** Address families the ip rule is installed for; default both (or the family of `from`/`to`). */
  readonly family?: 4 | 6 | 'both';
  /** The table's routes, owned by Markwright (at most one binding owns a table). */
  readonly owns?: OwnedTableSpec;
}

export interface ClassBinding {
  readonly when: FieldValues;
  readonly dev: string;
  readonly classid: string;
  /** tc parent the filter attaches to; default `root`. */
  readonly parent?: string;
  readonly priority?: number;
}

export interface Policy {
  readonly rules: readonly PolicyRule[];
  readonly routes: readonly RouteBinding[];
  readonly classes: readonly ClassBinding[];
}

/** Another piece of software the admin knows shares the box, and why that is fine: its conflicts are silenced. */
export interface Coexistence {
  /** A known consumer id (`tailscale`, `mwan3`, ...). */
  readonly consumer: string;
  readonly reason: string;
}

/** The `markwright/1` document: a layout and the policy written in its field terms. */
export interface MarkwrightDocument {
  readonly format: typeof DOCUMENT_FORMAT;
  readonly name: string;
  readonly description?: string;
  readonly layout: Layout;
  readonly policy: Policy;
  /** Consumers acknowledged as sharing the box; absent when none. */
  readonly coexists?: readonly Coexistence[];
}
