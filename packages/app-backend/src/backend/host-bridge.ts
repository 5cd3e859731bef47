// The service's way to the kernel. Deploy work runs the `markwright` CLI as a separate process (elevated with
// pkexec when the app is not root), so the window never runs privileged code; probing, which only reads, uses the
// host package in-process (its runner elevates the individual read commands when needed).

import type { ApplyResult, DeploymentRecord, DeployStatus, PlanReport, ProbeReport } from '@markwright/core';

export interface HostBridge {
  /** `local` and every network namespace the box has. */
  listTargets(): Promise<string[]>;
  probe(target: string): Promise<ProbeReport>;
  /** `documentText` is a `markwright/1` document as JSON text. */
  plan(target: string, documentText: string): Promise<PlanReport>;
  apply(target: string, documentText: string, confirmTimeout?: number): Promise<ApplyResult>;
  confirm(target: string): Promise<DeploymentRecord>;
  rollback(target: string, to?: string): Promise<DeploymentRecord>;
  status(target: string): Promise<DeployStatus>;
  history(target: string): Promise<DeploymentRecord[]>;
}
