// JSON shapes of `markwright trace --json` and `markwright impact --json` (contracts: extend, never rename).

import type { DecodedField, PacketResult, TraceStep } from './types';

/** Who a rule on a live box belongs to. */
export type RuleOwner =
  /** A rule Markwright deployed: `rule` is the policy rule's name (null for the layout's own plumbing). */
  | { readonly kind: 'markwright'; readonly rule: string | null }
  /** A rule of a known consumer (`tailscale`, `kube-proxy`, ...), recognised by its table, chain or text. */
  | { readonly kind: 'consumer'; readonly consumer: string }
  | { readonly kind: 'foreign' };

/** The marks after a step, read through the layout's fields. */
export interface DecodedMarks {
  readonly mark: readonly DecodedField[];
  readonly ctmark: readonly DecodedField[];
}

/** A step of a live path: a simulator step plus when it was seen, who owns the rule, and the decoded marks. */
export type LiveTraceStep = TraceStep & {
  /** When `nft monitor trace` reported the event (ISO 8601). */
  readonly at: string;
  readonly owner?: RuleOwner;
  /** The rule's handle in its chain. */
  readonly handle?: number;
  readonly fields?: DecodedMarks;
};

/** The packet the kernel reported, as nft printed its headers. */
export interface LivePacket {
  readonly family: 4 | 6 | null;
  readonly iif: string | null;
  readonly oif: string | null;
  readonly saddr: string | null;
  readonly daddr: string | null;
  readonly proto: string | null;
  readonly sport: number | null;
  readonly dport: number | null;
}

/** One traced packet: the same keys as a `simulate --json` packet, plus the kernel's trace id and times. */
export interface TracedPacket extends PacketResult {
  readonly id: string;
  readonly startedAt: string;
  readonly endedAt: string;
  readonly packet: LivePacket;
  readonly steps: readonly LiveTraceStep[];
  readonly fields?: DecodedMarks;
}

export interface TraceReport {
  readonly target: string;
  /** The match the trace rule used, as nft prints it. */
  readonly match: string;
  readonly packets: readonly TracedPacket[];
}

// ---- impact ------------------------------------------------------------------------------------

export interface ImpactFlow {
  readonly family: 4 | 6;
  readonly proto: string;
  readonly saddr: string;
  readonly daddr: string;
  readonly sport: number | null;
  readonly dport: number | null;
}

/** Where a connection's next packet goes. */
export interface ImpactOutcome {
  readonly mark: number;
  readonly ctmark: number;
  readonly table: string | null;
  readonly oif: string | null;
  readonly class: string | null;
  /** `accept`, `drop`, or `no-route`. */
  readonly verdict: string;
}

export interface ImpactChange {
  readonly flow: ImpactFlow;
  readonly before: ImpactOutcome;
  readonly after: ImpactOutcome;
  /** The policy rule that makes the difference (its name), or null when none of the document's rules does. */
  readonly rule: string | null;
  /** True when the connection would stop: dropped or no route after the change. */
  readonly breaks: boolean;
  /** The conntrack zone, when not 0. */
  readonly zone?: number;
}

export interface ImpactGroup {
  readonly rule: string | null;
  readonly connections: number;
  /** e.g. "rule 'voip via isp2' would move 14 connections from wan1 to wan2". */
  readonly summary: string;
}

export interface ImpactReport {
  readonly connections: number;
  readonly changed: readonly ImpactChange[];
  readonly groups?: readonly ImpactGroup[];
}
