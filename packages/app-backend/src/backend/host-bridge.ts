// The service's way to the kernel. Everything that needs privilege (probe, plan, the deploy verbs) goes to the
// privileged helper, a separate process started through pkexec when the app is not root, so the window never
// runs privileged code; listing the targets needs none.

import type { KeepWrites } from '@markwright/api';
import type {
  ApplyResult,
  DeploymentRecord,
  DeployStatus,
  ImpactReport,
  PlanReport,
  ProbeReport,
  TraceReport,
} from '@markwright/core';

export interface HostBridge {
  /** `local`, every network namespace the box has, and the SSH hosts the user added. */
  listTargets(): Promise<string[]>;
  probe(target: string): Promise<ProbeReport>;
  /** `documentText` is a `markwright/1` document as JSON text. */
  plan(target: string, documentText: string): Promise<PlanReport>;
  /** `verify`: check the live box right after applying; kept when it agrees, reverted at once otherwise. */
  apply(
    target: string,
    documentText: string,
    confirmTimeout?: number,
    verify?: boolean,
  ): Promise<ApplyResult>;
  confirm(target: string): Promise<DeploymentRecord>;
  rollback(target: string, to?: string, verify?: boolean): Promise<DeploymentRecord>;
  status(target: string): Promise<DeployStatus>;
  history(target: string): Promise<DeploymentRecord[]>;
  /** Removes everything Markwright installed on the target (kernel state and boot files). */
  uninstall(target: string): Promise<void>;
  /** The files and unit a confirmation writes on the target (nothing is read or written to answer). */
  keepWrites(target: string): KeepWrites;
  impact(target: string, documentText: string): Promise<ImpactReport>;
  /** One packet matching the nft `match`, traced; `documentText` decodes marks into its fields. */
  trace(target: string, match: string, seconds: number, documentText?: string): Promise<TraceReport>;
  /** Forget a connection held for the target (an SSH host that was removed). */
  forget?(target: string): Promise<void>;
  /** End whatever session the bridge holds (the helper process). */
  close?(): Promise<void>;
}
