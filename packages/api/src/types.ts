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
  PlanReport,
  ProbeReport,
  SimulationReport,
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
} from '@markwright/core';

/** Where a deploy goes: `local` or `netns:NAME`. */
export type TargetSpec = string;

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
  listTargets(): Promise<TargetSpec[]>;
  probe(input: ApiInput<'probe'>): Promise<ProbeReport>;
  plan(input: ApiInput<'plan'>): Promise<PlanReport>;
  apply(input: ApiInput<'apply'>): Promise<ApplyResult>;
  confirm(input: ApiInput<'confirm'>): Promise<DeploymentRecord>;
  rollback(input: ApiInput<'rollback'>): Promise<DeploymentRecord>;
  status(input: ApiInput<'status'>): Promise<DeployStatus>;
  history(input: ApiInput<'history'>): Promise<DeploymentRecord[]>;
  /** Which of the target's live connections the stored layout would change. */
  impact(input: ApiInput<'impact'>): Promise<ImpactReport>;
  /** Waits for the next packet like `packet` on the target and returns its live path (one traced packet or none). */
  traceLive(input: ApiInput<'traceLive'>): Promise<TraceReport>;
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
