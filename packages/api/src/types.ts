// MarkwrightApi: the only way the renderer reaches the backend. Two transports implement it with one contract:
// Electron IPC through the preload, and loopback HTTP in serve mode. Every argument is validated at the boundary.

import type {
  ApplyResult,
  CheckReport,
  DeploymentRecord,
  DeployStatus,
  PacketSpec,
  PlanReport,
  ProbeReport,
  SimulationReport,
} from '@markwright/core';

/** A `markwright/1` document as JSON (what import/export and the store hold). */
export type DocumentJson = Record<string, unknown>;

export interface LayoutSummary {
  readonly id: number;
  readonly name: string;
  readonly currentVersion: number;
  readonly updatedAt: string;
  readonly fieldCount: number;
}

export interface LayoutVersionSummary {
  readonly version: number;
  readonly note: string | null;
  readonly createdAt: string;
}

export interface LayoutVersion extends LayoutVersionSummary {
  readonly name: string;
  readonly document: DocumentJson;
}

export interface AuditEntry {
  readonly id: number;
  readonly at: string;
  readonly action: string;
  readonly subject: string;
  readonly detail: string | null;
}

/** Where a deploy goes: `local` or `netns:NAME`. */
export type TargetSpec = string;

export interface SimulateInput {
  /** Simulate a stored layout's compiled rules (optionally on top of a live box's rules) ... */
  readonly document?: DocumentJson;
  /** ... or a ruleset text (nft JSON, nft text or iptables-save) with optional ip rules / routes JSON. */
  readonly ruleset?: string;
  readonly ipRules?: string;
  readonly routes?: string;
  readonly packets: readonly PacketSpec[];
}

export interface MarkwrightApi {
  listLayouts(): Promise<LayoutSummary[]>;
  /** The current version of a layout. */
  getLayout(input: { name: string }): Promise<LayoutVersion>;
  createLayout(input: { name: string; document: DocumentJson; note?: string }): Promise<LayoutSummary>;
  /** Saves a new immutable version; refused (typed error) when the document is invalid. */
  saveLayout(input: { name: string; document: DocumentJson; note?: string }): Promise<LayoutSummary>;
  renameLayout(input: { from: string; to: string }): Promise<LayoutSummary>;
  duplicateLayout(input: { from: string; to: string }): Promise<LayoutSummary>;
  deleteLayout(input: { name: string }): Promise<void>;
  listVersions(input: { name: string }): Promise<LayoutVersionSummary[]>;
  getVersion(input: { name: string; version: number }): Promise<LayoutVersion>;
  /** Parses and validates a document text; creates (or versions) the layout it names. */
  importDocument(input: { text: string; name?: string }): Promise<LayoutSummary>;
  exportDocument(input: { name: string; version?: number }): Promise<{ text: string }>;
  checkDocument(input: { document: DocumentJson; hostRules?: string[] }): Promise<CheckReport>;
  simulate(input: SimulateInput): Promise<SimulationReport>;
  listTargets(): Promise<TargetSpec[]>;
  probe(input: { target: TargetSpec }): Promise<ProbeReport>;
  plan(input: { name: string; version?: number; target: TargetSpec }): Promise<PlanReport>;
  apply(input: {
    name: string;
    version?: number;
    target: TargetSpec;
    confirmTimeout?: number;
  }): Promise<ApplyResult>;
  confirm(input: { target: TargetSpec }): Promise<DeploymentRecord>;
  rollback(input: { target: TargetSpec; to?: string }): Promise<DeploymentRecord>;
  status(input: { target: TargetSpec }): Promise<DeployStatus>;
  history(input: { target: TargetSpec }): Promise<DeploymentRecord[]>;
  audit(input: { limit?: number }): Promise<AuditEntry[]>;
}

/** Error kinds every transport carries unchanged to the caller. */
export type ApiErrorKind = 'invalid-input' | 'not-found' | 'conflict' | 'environment' | 'internal';

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
