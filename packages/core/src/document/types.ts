import type { FieldValues, Layout } from '../layout/types';

export const DOCUMENT_FORMAT = 'markwright/1';

/** Ports: a number, a range text `"1000-2000"`, or a list of those. */
export type PortSpec = number | string | readonly (number | string)[];

/** What a policy rule selects; all given keys must hold. */
export interface PacketMatch {
  readonly iif?: string;
  readonly oif?: string;
  readonly proto?: 'tcp' | 'udp' | 'icmp' | 'icmpv6' | number;
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

export interface RouteBinding {
  readonly when: FieldValues;
  readonly table: number;
  readonly priority: number;
  /** Address families the ip rule is installed for; default both. */
  readonly family?: 4 | 6 | 'both';
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
