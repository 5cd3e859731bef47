// The history and pending deployments as the app shows them: the host's records joined with what the store knows
// of each (the saved layout version, its note, who deployed it and why), and which deployment is live now.

import type { DeploymentEntry, PendingDeployment } from '@markwright/api';
import { type DeploymentRecord, type DeployStatus, KEPT_OUTCOMES } from '@markwright/core';
import type { DeploymentSource } from '../store/store';

const NO_SOURCE: DeploymentSource = {
  layoutName: null,
  layoutVersion: null,
  note: null,
  by: null,
  purpose: null,
};

/** The deployment whose state is on the target now: the latest pending or kept one (records oldest first). */
export function liveDeploymentId(records: readonly DeploymentRecord[]): string | null {
  for (let i = records.length - 1; i >= 0; i--) {
    const r = records[i]!;
    if (r.outcome === 'pending' || KEPT_OUTCOMES.includes(r.outcome)) return r.id;
  }
  return null;
}

export function historyEntries(
  records: readonly DeploymentRecord[],
  sources: ReadonlyMap<string, DeploymentSource>,
): DeploymentEntry[] {
  const live = liveDeploymentId(records);
  return records.map((r) => ({ ...r, ...(sources.get(r.id) ?? NO_SOURCE), live: r.id === live }));
}

/** The pending deployment a status reports, with its layout, or null when nothing waits. */
export function pendingEntry(
  target: string,
  status: DeployStatus,
  sources: ReadonlyMap<string, DeploymentSource>,
): PendingDeployment | null {
  const pending = status.pending;
  if (!pending) return null;
  const source = sources.get(pending.id) ?? NO_SOURCE;
  return {
    target,
    id: pending.id,
    secondsLeft: pending.secondsLeft,
    deadline: pending.deadline,
    documentName: status.last?.id === pending.id ? status.last.documentName : (source.layoutName ?? ''),
    layoutName: source.layoutName,
    layoutVersion: source.layoutVersion,
  };
}
