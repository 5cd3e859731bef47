// MarkwrightApi: the only way the renderer reaches the backend. Two transports implement it with one contract:
// Electron IPC through the preload, and loopback HTTP in serve mode. Every argument is validated at the boundary
// against its schema, and the argument types below are those schemas' types, so the two cannot drift apart.
// What the methods return are the report shapes in core (one place for every JSON contract).

import type {
  ApplyResult,
  AuditEntry,
  CheckReport,
  DeploymentRecord,
  DeployStatus,
  ExportedDocument,
  ImpactReport,
  LayoutSummary,
  LayoutVersion,
  LayoutVersionSummary,
  LintReport,
  PlanReport,
  ProbeReport,
  SimulationReport,
  SshHostSummary,
  SuggestReport,
  TraceReport,
} from '@markwright/core';
import type { ApiInput } from './schema';

export type {
  AuditEntry,
  DocumentJson,
  ExportedDocument,
  LayoutSummary,
  LayoutVersion,
  LayoutVersionSummary,
  SshHostKey,
  SshHostState,
  SshHostSummary,
} from '@markwright/core';

/** Where a deploy goes: `local`, `netns:NAME` or `ssh:[user@]host[:port]` (a host from the SSH host list). */
export type TargetSpec = string;

/** One deployment as the history shows it: the host's record and where it came from in the app. */
export interface DeploymentEntry extends DeploymentRecord {
  /** The saved layout version it deployed, when the app deployed it. */
  readonly layoutName: string | null;
  readonly layoutVersion: number | null;
  /** The version's note. */
  readonly note: string | null;
  /** Who deployed it from the app (the user the app runs as). */
  readonly by: string | null;
  /** Why it was made when it was not a plain apply, e.g. `rollback to ID`. */
  readonly purpose: string | null;
  /** True for the one deployment whose state is on the target now (pending or confirmed, not ended). */
  readonly live: boolean;
}

/** A deployment waiting for Keep on one target. */
export interface PendingDeployment {
  readonly target: string;
  readonly id: string;
  readonly secondsLeft: number;
  readonly deadline: string;
  readonly documentName: string;
  readonly layoutName: string | null;
  readonly layoutVersion: number | null;
}

/** What Keep writes so the deployment survives a reboot. */
export interface KeepWrites {
  readonly target: string;
  /** Files holding the rules, absolute paths on the box. */
  readonly files: readonly string[];
  /** The systemd unit that loads them at boot, and the link that enables it. */
  readonly unit: string;
  readonly enables: string;
}

/** A stored layout's compiled rules (optionally on top of a live box's rules), or a ruleset text, and packets. */
export type SimulateInput = ApiInput<'simulate'>;

export interface MarkwrightApi {
  listLayouts(): Promise<LayoutSummary[]>;
  /** The current version of a layout. */
  getLayout(input: ApiInput<'getLayout'>): Promise<LayoutVersion>;
  createLayout(input: ApiInput<'createLayout'>): Promise<LayoutSummary>;
  /** Saves a new immutable version; refused (typed error) when the document is invalid. */
  saveLayout(input: ApiInput<'saveLayout'>): Promise<LayoutSummary>;
  renameLayout(input: ApiInput<'renameLayout'>): Promise<LayoutSummary>;
  duplicateLayout(input: ApiInput<'duplicateLayout'>): Promise<LayoutSummary>;
  deleteLayout(input: ApiInput<'deleteLayout'>): Promise<void>;
  listVersions(input: ApiInput<'listVersions'>): Promise<LayoutVersionSummary[]>;
  getVersion(input: ApiInput<'getVersion'>): Promise<LayoutVersion>;
  /** Parses and validates a document text; creates (or versions) the layout it names. */
  importDocument(input: ApiInput<'importDocument'>): Promise<LayoutSummary>;
  exportDocument(input: ApiInput<'exportDocument'>): Promise<ExportedDocument>;
  checkDocument(input: ApiInput<'checkDocument'>): Promise<CheckReport>;
  simulate(input: SimulateInput): Promise<SimulationReport>;
  /**
   * Lint a document by running it (`markwright lint`): each policy rule's connection through the design and the
   * box's routing (`ip route show table all` / `ip rule show` text or JSON, optional); findings by document path.
   */
  lint(input: ApiInput<'lint'>): Promise<LintReport>;
  listTargets(): Promise<TargetSpec[]>;
  probe(input: ApiInput<'probe'>): Promise<ProbeReport>;
  plan(input: ApiInput<'plan'>): Promise<PlanReport>;
  /**
   * Apply a saved layout version. `verify: true` (the CLI's `--confirm-when-verified`): right after applying, one
   * test packet per policy rule goes through the live box and must end as the simulator says (the layout's fields,
   * route table, device, tc class). All agree: the deployment is kept at once (`deployment.outcome` `verified`,
   * no deadline). Any disagreement: it is reverted at once (`reverted-by-verification`). Either way
   * `result.verification` (a `DeployVerification`) lists each rule's packet, expected and seen outcome, and
   * `disagreements` as `{ rule, field, expected, seen }` with `field` a layout field or `verdict`, `table`, `oif`,
   * `class`. A check that cannot run (no python3, a tool refused) reverts too and rejects with `environment`.
   * Without `verify`, `confirmTimeout` and `confirm` work as before.
   */
  apply(input: ApiInput<'apply'>): Promise<ApplyResult>;
  confirm(input: ApiInput<'confirm'>): Promise<DeploymentRecord>;
  /** Go back to an earlier deployment; `verify: true` checks it on the live box as `apply` does (see there). */
  rollback(input: ApiInput<'rollback'>): Promise<DeploymentRecord>;
  status(input: ApiInput<'status'>): Promise<DeployStatus>;
  /** The target's deployments, oldest first, each with its layout version, note and whether it is live now. */
  history(input: ApiInput<'history'>): Promise<DeploymentEntry[]>;
  /** Every deployment waiting for Keep, on every target the app has deployed to (one helper session). */
  pendingDeployments(input?: ApiInput<'pendingDeployments'>): Promise<PendingDeployment[]>;
  /** The target chosen for a layout, or null before one was chosen. */
  getLayoutTarget(input: ApiInput<'getLayoutTarget'>): Promise<{ target: string | null }>;
  setLayoutTarget(input: ApiInput<'setLayoutTarget'>): Promise<{ target: string }>;
  /** The files and unit Keep writes on the target. */
  keepWrites(input: ApiInput<'keepWrites'>): Promise<KeepWrites>;
  /** Removes every rule and file Markwright installed on the target; history stays. */
  uninstall(input: ApiInput<'uninstall'>): Promise<{ removed: true }>;
  /** Which of the target's live connections the stored layout would change. */
  impact(input: ApiInput<'impact'>): Promise<ImpactReport>;
  /**
   * Probes the target and proposes free bits, a free ip rule priority band and free table ids for a new field or
   * route, clear of everything detected there (and of the document's own fields and routes, when given).
   */
  suggest(input: ApiInput<'suggest'>): Promise<SuggestReport>;
  /** Waits for the next packet like `packet` on the target and returns its live path (one traced packet or none). */
  traceLive(input: ApiInput<'traceLive'>): Promise<TraceReport>;
  /** The SSH hosts the user added, each with its accepted and newly offered host keys. */
  listSshHosts(): Promise<SshHostSummary[]>;
  /**
   * Adds `[user@]host[:port]` and reads the host keys it offers (`unverified`: shown, not used). Refused with
   * `invalid-input` on `address` when malformed, `conflict` when listed already, `environment` when no key
   * could be read (nothing is kept then).
   */
  addSshHost(input: ApiInput<'addSshHost'>): Promise<SshHostSummary>;
  /** Reads the host's keys again: a key differing from the accepted ones is listed in `offered`, never used. */
  fetchSshHostKey(input: ApiInput<'fetchSshHostKey'>): Promise<SshHostSummary>;
  /** Accepts exactly these offered keys; they replace the ones accepted before. */
  acceptSshHostKey(input: ApiInput<'acceptSshHostKey'>): Promise<SshHostSummary>;
  /** Removes the host and its keys; refused (`conflict`) while a deployment is live there. History stays. */
  removeSshHost(input: ApiInput<'removeSshHost'>): Promise<void>;
  audit(input?: ApiInput<'audit'>): Promise<AuditEntry[]>;
}

/**
 * Error kinds every transport carries unchanged to the caller. `not-authorised`: polkit refused, or the user
 * cancelled, the authorisation the privileged helper needs (nothing was read or changed). `lock-held`: another
 * operation is changing the target; trying again later works.
 */
export type ApiErrorKind =
  | 'invalid-input'
  | 'not-found'
  | 'conflict'
  | 'lock-held'
  | 'not-authorised'
  | 'environment'
  | 'internal';

export interface ApiErrorShape {
  readonly kind: ApiErrorKind;
  readonly message: string;
  /** The offending field path when kind is invalid-input. */
  readonly field?: string;
}

export class ApiError extends Error implements ApiErrorShape {
  override readonly name = 'ApiError';
  constructor(
    readonly kind: ApiErrorKind,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}
