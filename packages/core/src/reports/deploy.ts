import type { LintFinding } from './types';
// JSON shapes of probe, plan, apply, status and history: what `markwright probe|plan|apply|confirm|rollback|
// status|history --json` print and the app shows. Contracts used outside the test suite: extend them, never
// rename or remove a key.

import type { BoxConfig } from '../ir/types';
import type { DeployVerification } from './confirm';

export interface ToolVersions {
  readonly nft: string | null;
  readonly iptables: string | null;
  /** iptables backend: `nf_tables` or `legacy`, null when iptables is missing. */
  readonly iptablesBackend: 'nf_tables' | 'legacy' | null;
  readonly ip: string | null;
  readonly tc: string | null;
  readonly conntrack: string | null;
}

/** A known consumer detected from live rules, with the bits its rules use. */
export interface DetectedConsumer {
  readonly consumer: string;
  /** Why we think it is there (chain or table names, rule text). */
  readonly evidence: readonly string[];
  readonly fwmarkBits: string;
  readonly ctmarkBits: string;
  /** The versions it runs and what showed them (its command, a package, its rules' shape); absent when not found. */
  readonly version?: {
    /** From `since` (inclusive) to `before` (exclusive), as reservations' VersionSpan. */
    readonly span: { readonly since?: string; readonly before?: string };
    readonly evidence: string;
  };
}

/** Something on a box that silently undoes a deployment, with the change that prevents it. */
export interface Hazard {
  readonly id: 'networkd-foreign-rules' | 'nftables-flush-ruleset';
  /** What will happen to Markwright's rules. */
  readonly what: string;
  /** The change that prevents it. */
  readonly fix: string;
  /** Where it was seen. */
  readonly evidence: string;
}

/**
 * Whether the target kernel's security modules accept secmark contexts, found by loading a secmark object into
 * a throwaway namespace. Without a module that implements secctx_to_secid (SELinux, AppArmor, Smack), every
 * label is refused (`nft add secmark` fails with ENOENT), so no document with labels can be deployed.
 */
export interface SecmarkSupport {
  readonly accepted: boolean;
  /** Active security modules (`/sys/kernel/security/lsm`), or null when securityfs is not readable. */
  readonly lsms: readonly string[] | null;
  /** The context the kernel accepted, when one was. */
  readonly context?: string;
  /** One line for people: what was tried and what the kernel said. */
  readonly reason: string;
}

export interface ProbeReport {
  readonly target: string;
  readonly tools: ToolVersions;
  readonly box: BoxConfig;
  /** Bits any live rule (not ours) reads or writes. */
  readonly bitsInUse: { readonly fwmark: string; readonly ctmark: string };
  readonly consumers: readonly DetectedConsumer[];
  /** Whether Markwright's own table / rules are present. */
  readonly owned: { readonly table: boolean; readonly ipRules: number; readonly tcFilters: number };
  /** Sources that could not be parsed (each with the parser's message); the rest of the report still holds. */
  readonly warnings?: readonly string[];
  /** What on the box would silently undo a deployment (systemd-networkd, nftables.conf), each with its fix. */
  readonly hazards?: readonly Hazard[];
  /** Whether security labels (secmark) can be deployed on this kernel. */
  readonly secmark?: SecmarkSupport;
}

/** One object of an nft JSON listing (`{"rule": {...}}`, `{"chain": {...}}`, ...). */
export type NftObject = { readonly [kind: string]: Readonly<Record<string, unknown>> };

/** `table inet markwright` as nft JSON objects (handles and counter values left out); null when absent. */
export type OwnedTable = readonly NftObject[] | null;

/** What Markwright owns on a box. */
export interface OwnedState {
  /**
   * The nft script that replaces `table inet markwright` in one transaction (empty table when nothing). For a
   * document it is what apply loads; for state read from a box it is for people to read and never loaded.
   */
  readonly nftScript: string;
  /**
   * The table as the kernel lists it, in nft JSON: what drift is computed from and what a revert, a rollback
   * and a boot load. Absent only for a document not yet applied (and in records of older versions).
   */
  readonly nft?: OwnedTable;
  /** `ip rule` lines (without the leading `ip -4`/`ip -6` `rule add`) for each family. */
  readonly ipRules: { readonly v4: readonly string[]; readonly v6: readonly string[] };
  /** `tc filter` lines as given to `tc -batch`. */
  readonly tcFilters: readonly string[];
  /** Routes in the tables the document owns; absent when it owns none (and in records of older versions). */
  readonly routes?: OwnedRoutes;
}

/** Routes Markwright owns, per family, and the tables the document owns. */
export interface OwnedRoutes {
  /** Tables the document owns: routes are added only there. */
  readonly tables: readonly number[];
  /** `[TYPE] DST [via GW] [dev DEV] table T proto 77 metric M [src S]`: the words after `ip -4 route add`. */
  readonly v4: readonly string[];
  readonly v6: readonly string[];
}

export interface PlanChange {
  readonly kind: 'nft' | 'ip-rule' | 'route' | 'tc';
  readonly action: 'add' | 'remove' | 'keep';
  readonly text: string;
}

export interface PlanReport {
  readonly target: string;
  readonly document: string;
  readonly wanted: OwnedState;
  readonly live: OwnedState;
  readonly changes: readonly PlanChange[];
  /** `nft -c` result for the wanted script. */
  readonly check: { readonly ok: boolean; readonly message: string | null };
  /** What the box cannot apply (ip rules, tc, sysctls), found before anything is touched; empty when all fits. */
  readonly problems?: readonly PlanProblem[];
  /** What applies but may not do what the document means (an empty routing table, rp_filter ignoring marks). */
  readonly notes?: readonly string[];
  /** The design linted on this box's routes, ip rules and sysctls (`markwright lint --target`): never blocks. */
  readonly lint?: readonly LintFinding[];
}

/**
 * One part of the document this box cannot apply. `document`: the document names something absent or taken
 * here (exit 1); `environment`: the kernel lacks a capability the document needs (exit 2).
 */
export interface PlanProblem {
  readonly part: 'ip-rule' | 'route' | 'tc' | 'secmark' | 'sysctl';
  readonly kind: 'document' | 'environment';
  /** The document field, e.g. `policy.classes[0].parent`. */
  readonly field: string;
  readonly value: unknown;
  readonly message: string;
}

/**
 * `verified`: confirmed automatically because the live box did what the document says
 * (`--confirm-when-verified`); `reverted-by-verification`: reverted at once because it did not (see `verification`).
 * `reverted` is the confirmation deadline passing.
 */
export type DeploymentOutcome =
  | 'pending'
  | 'confirmed'
  | 'verified'
  | 'reverted'
  | 'reverted-by-verification'
  | 'rolled-back'
  | 'failed'
  | 'superseded';

/** Outcomes whose state was accepted as the target's state (by hand or by the live check). */
export const KEPT_OUTCOMES: readonly DeploymentOutcome[] = ['confirmed', 'verified'];

export interface DeploymentRecord {
  readonly id: string;
  readonly target: string;
  readonly document: string;
  readonly documentName: string;
  readonly appliedAt: string;
  readonly outcome: DeploymentOutcome;
  readonly confirmedAt: string | null;
  readonly endedAt: string | null;
  /** The deployment whose state this one replaced (what a revert goes back to). */
  readonly previousId: string | null;
  readonly state: OwnedState;
  readonly message: string | null;
  /** The owned state this deployment replaced: what a revert puts back (absent in records of older versions). */
  readonly snapshot?: OwnedState;
  /** For a failed step: what is live again afterwards (`message` holds the error). */
  readonly restored?: string;
  /** The ip rule priority range Markwright owned when this was applied. */
  readonly ipRulePriorities?: readonly [number, number];
  /** The live check of `--confirm-when-verified`: each rule's packet, expected vs seen, the disagreements. */
  readonly verification?: DeployVerification;
  /** The `markwright/1` document applied, as text (`document` is where it was read from). */
  readonly documentText?: string;
}

export interface ApplyResult {
  readonly deployment: DeploymentRecord;
  /** When an unconfirmed deployment is reverted (ISO 8601 UTC); null when no confirmation is needed. */
  readonly confirmDeadline: string | null;
  /**
   * With `--confirm-when-verified`: the live check. `ok` true: the deployment is kept (`verified`); false: it was
   * reverted at once (`reverted-by-verification`, exit 3). Also in `deployment.verification`.
   */
  readonly verification?: DeployVerification;
}

export interface DeployStatus {
  readonly target: string;
  /** `pending` while a confirmation is awaited; `confirmed` when live equals the last confirmed deployment; `drifted` when live differs; `none` before any deployment. */
  readonly state: 'pending' | 'confirmed' | 'drifted' | 'none';
  readonly pending: { readonly id: string; readonly secondsLeft: number; readonly deadline: string } | null;
  readonly last: DeploymentRecord | null;
  readonly liveMatchesLast: boolean;
  /**
   * The newest deployment when it is not `last`: one that was reverted (its deadline passed, also while nobody
   * was connected), rolled back or failed. What someone reconnecting to a box needs to see first.
   */
  readonly newest?: DeploymentRecord | null;
}

/** `markwright uninstall --json`: everything Markwright owned on the target is gone. */
export interface UninstallResult {
  readonly removed: true;
}
