import type { NamedProtocol } from '../net/protocols';
// JSON shapes of the reports the CLI prints with --json and the app shows. They are contracts used outside
// the test suite: extend them, never rename or remove a key.

import type { MarkSpace } from '../bits/algebra-types';
import type { Hook } from '../ir/types';

// ---- layout check ------------------------------------------------------------------------------

export interface CheckError {
  /** The field path, e.g. `layout.fields[1].offset` or a field name. */
  readonly field: string;
  readonly message: string;
}

export type ConflictSeverity =
  | 'shares-bits'
  | 'whole-mark-overwrite'
  | 'sysctl-side-effect'
  /** A route's ip rule priority falls in a band the consumer installs its own ip rules in. */
  | 'rule-priority'
  /** A route uses a routing table the consumer fills. */
  | 'routing-table'
  /** A layout label and the consumer's labels replace each other on the packet (one secmark per packet). */
  | 'label-overwrite';

/** `detected`: the consumer was seen on this box (its rules, processes, files or interfaces); `catalogue`: only known to use these bits. */
export type ConflictPresence = 'detected' | 'catalogue';

export interface Conflict {
  /** The layout field (or, for a label conflict, the label) involved. */
  readonly field: string;
  /** Known consumer id (e.g. `tailscale`) or, for host rules, a description of the rule. */
  readonly consumer: string;
  /** The overlapping bits, `0x...`; `secmark` for a label conflict. */
  readonly bits: string;
  readonly source: 'known' | 'host';
  readonly severity: ConflictSeverity;
  /** Human explanation, with the consumer's reference. */
  readonly detail?: string;
  /** Whether the consumer is on the box or only in the catalogue; host-rule conflicts are always detected. */
  readonly presence?: ConflictPresence;
  /** For host rules: the known consumer the rule belongs to, when its names give it away. */
  readonly consumerId?: string;
  /** For detected consumers: what showed it is on the box (`interface tailscale0`, `process tailscaled`, rules). */
  readonly evidence?: readonly string[];
}

/** A conflict the document acknowledges with a `coexists` entry: kept with the reason, not a warning. */
export interface AcknowledgedConflict extends Conflict {
  readonly reason: string;
}

export interface CheckReport {
  readonly valid: boolean;
  readonly errors: readonly CheckError[];
  readonly conflicts: readonly Conflict[];
  /** Conflicts silenced by the document's `coexists` list, each with its reason. */
  readonly acknowledged?: readonly AcknowledgedConflict[];
}

// ---- simulate ----------------------------------------------------------------------------------

/** One packet given to the simulator; `iif` null or absent means locally generated with socket mark `mark`. */
export interface PacketSpec {
  readonly iif?: string | null;
  readonly oif?: string | null;
  readonly saddr: string;
  readonly daddr: string;
  readonly proto: NamedProtocol | number;
  readonly sport?: number;
  readonly dport?: number;
  readonly mark?: number;
  /** tcp flags are not modelled; a packet is NEW or ESTABLISHED by conntrack alone. */
}

/** The security labels after a step: the packet's and its connection's, each present only when set. */
export interface StepLabels {
  readonly secmark?: string;
  readonly ctsecmark?: string;
}

export type TraceStep =
  | ({
      readonly kind: 'rule';
      readonly hook: Hook;
      readonly family: string;
      readonly table: string;
      readonly chain: string;
      readonly priority: number;
      /** The rule as text in its own syntax (nft or iptables-save). */
      readonly rule: string;
      readonly matched: boolean;
      /** Verdict the rule issued, if any (accept, drop, jump X ...). */
      readonly verdict?: string;
      readonly markBefore: number;
      readonly markAfter: number;
      readonly ctmarkBefore: number;
      readonly ctmarkAfter: number;
      /** When the rule could not be evaluated exactly (opaque expression), why. */
      readonly note?: string;
    } & StepLabels)
  | ({
      readonly kind: 'policy';
      readonly hook: Hook;
      readonly family: string;
      readonly table: string;
      readonly chain: string;
      readonly verdict: string;
      readonly mark: number;
      readonly ctmark: number;
    } & StepLabels)
  | ({
      readonly kind: 'conntrack';
      /** `new` or `established` (and which direction), and whether the ct mark came from an existing flow. */
      readonly state: string;
      readonly direction: 'original' | 'reply';
      readonly ctmark: number;
    } & StepLabels)
  | {
      readonly kind: 'route';
      /** Why: input, output, or re-route after a mark change in output. */
      readonly reason: 'input' | 'output' | 'reroute';
      readonly mark: number;
      /** The ip rule that decided (priority and text), or null when none matched. */
      readonly rule: { readonly priority: number; readonly text: string } | null;
      readonly table: string | null;
      readonly route: string | null;
      readonly oif: string | null;
      readonly result: 'local' | 'forward' | 'output' | 'blackhole' | 'unreachable' | 'prohibit' | 'no-route';
    }
  | {
      readonly kind: 'tc';
      readonly dev: string;
      readonly filter: string | null;
      readonly classid: string | null;
      readonly mark: number;
    }
  | {
      readonly kind: 'secmark';
      readonly space: MarkSpace;
      readonly before: string | null;
      readonly after: string | null;
      readonly rule: string;
    };

/**
 * A packet that went the wrong way for its connection: a reply that leaves by another interface than the
 * connection arrived on (or has no route back), or a later packet that leaves by another interface than the first.
 */
export interface PathFlag {
  readonly code: 'reply-path';
  readonly message: string;
}

export interface PacketResult {
  readonly verdict: 'accept' | 'drop';
  /** Packet mark and ct mark as the packet leaves postrouting, or when dropped. */
  readonly mark: number;
  readonly ctmark: number;
  readonly oif: string | null;
  readonly table: string | null;
  /** Local delivery, forwarded, or sent (locally generated). */
  readonly destination?: 'local' | 'forward' | 'output' | null;
  readonly classid?: string | null;
  readonly secmark?: string | null;
  readonly ctsecmark?: string | null;
  readonly steps: readonly TraceStep[];
  /** Expressions the simulator could not model on this packet's path (opaque matches count as not matching). */
  readonly unknownExprs?: number;
  /** What the simulator assumed for this packet (no routes given, queue as accept, ...). */
  readonly notes?: readonly string[];
  /** Present when the packet went the wrong way for its connection (see PathFlag). */
  readonly flags?: readonly PathFlag[];
}

export interface SimulationReport {
  readonly packets: readonly PacketResult[];
}

/** One field read out of a mark. */
export interface DecodedField {
  readonly field: string;
  /** The enum value name, or the number (flags 0/1, ints, enum numbers with no name). */
  readonly value: string | number;
  /** The number held in the field's bits, gathered LSB-first. */
  readonly raw: number;
  /** The field's bits in the mark. */
  readonly mask: number;
  /** False when the bits hold a number the field does not define (an unnamed enum value, an int out of range). */
  readonly defined: boolean;
}

// ---- lint --------------------------------------------------------------------------------------

export type LintSeverity = 'error' | 'warning' | 'info';

export type LintCode =
  | 'reply-path'
  | 'table-incomplete'
  | 'shadowed-rule'
  | 'field-never-read'
  | 'field-never-set'
  | 'persist-without-newonly'
  | 'rp-filter'
  /** Routing could not be checked: no routes were given (neither a target nor a routes file). */
  | 'routing-unknown';

/** One thing the linter found by running the design; `path` is the document path it is about. */
export interface LintFinding {
  readonly code: LintCode;
  readonly severity: LintSeverity;
  readonly message: string;
  /** `policy.rules[2]`, `policy.routes[0]`, `layout.fields[1]` ... */
  readonly path: string;
}

/** What `markwright lint --json` prints. */
export interface LintReport {
  readonly findings: readonly LintFinding[];
}
