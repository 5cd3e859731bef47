// JSON shape of the check `apply|rollback --confirm-when-verified` runs on the live box after applying: for each
// policy rule, one packet that matches it, what the simulator says it ends with on this box's routes, and what
// the kernel did with it. Contracts used outside the test suite: extend them, never rename or remove a key.

import type { PacketSpec } from './types';

/** How a packet ends: its marks as it leaves, the route table and device, the tc class it was sent through. */
export interface PacketOutcome {
  /** `drop`: the packet never left (no route, or a rule dropped it). */
  readonly verdict: 'accept' | 'drop';
  readonly mark: number;
  readonly ctmark: number;
  /** The routing table that chose the route (`main`, `100`), null for a dropped packet. */
  readonly table: string | null;
  /** The device it left by; null for local delivery or a dropped packet. */
  readonly oif: string | null;
  /** The tc class it was sent through on `oif`, null when none was seen (or none is expected). */
  readonly class: string | null;
}

/**
 * One way the box did not do what the document says. `field` is a layout field name, or one of `verdict`,
 * `table`, `oif`, `class`; `expected` and `seen` are the values as text (field values by their names).
 */
export interface Disagreement {
  /** The policy rule (its name) whose packet showed it. */
  readonly rule: string;
  readonly field: string;
  readonly expected: string;
  readonly seen: string;
}

/** One policy rule's packet. `skipped` says why no packet could be sent for it (then nothing is compared). */
export interface RuleCheck {
  readonly rule: string;
  /** The rule's path in the document, `policy.rules[i]`. */
  readonly path: string;
  readonly packet: PacketSpec | null;
  readonly expected: PacketOutcome | null;
  readonly seen: PacketOutcome | null;
  readonly disagreements: readonly Disagreement[];
  readonly skipped?: string;
}

/** The whole check: `ok` when every packet sent ended as the document says. */
export interface DeployVerification {
  readonly ok: boolean;
  readonly rules: readonly RuleCheck[];
  /** Every disagreement of every rule, in rule order. */
  readonly disagreements: readonly Disagreement[];
  /** Wall-clock time of the check, milliseconds. */
  readonly durationMs: number;
}
