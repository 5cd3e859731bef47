// An in-memory HostBridge: deployments per target with the host's outcomes, for API and service tests.

import { ApiError } from '@markwright/api';
import type {
  ApplyResult,
  DeploymentRecord,
  DeployStatus,
  ImpactReport,
  PlanReport,
  ProbeReport,
  TraceReport,
} from '@markwright/core';
import type { HostBridge } from '../backend/host-bridge';

const EMPTY_STATE = { nftScript: '', ipRules: { v4: [], v6: [] }, tcFilters: [] };

export class FakeHost implements HostBridge {
  readonly records = new Map<string, DeploymentRecord[]>();
  readonly calls: string[] = [];
  /** When set, every kernel call fails with this error. */
  failWith: ApiError | undefined;
  private next = 1;

  private guard(call: string): void {
    this.calls.push(call);
    if (this.failWith) throw this.failWith;
  }

  private of(target: string): DeploymentRecord[] {
    const list = this.records.get(target) ?? [];
    this.records.set(target, list);
    return list;
  }

  private update(target: string, id: string, change: Partial<DeploymentRecord>): DeploymentRecord {
    const list = this.of(target);
    const index = list.findIndex((r) => r.id === id);
    const updated = { ...list[index]!, ...change } as DeploymentRecord;
    list[index] = updated;
    return updated;
  }

  async listTargets(): Promise<string[]> {
    this.guard('listTargets');
    return ['local', 'netns:lab'];
  }

  async probe(target: string): Promise<ProbeReport> {
    this.guard(`probe ${target}`);
    return {
      target,
      tools: {
        nft: '1.0.6',
        iptables: '1.8.9',
        iptablesBackend: 'nf_tables',
        ip: '6.1',
        tc: '6.1',
        conntrack: null,
      },
      box: { ruleset: { tables: [] }, ipRules: [], routes: [], tcFilters: [] },
      bitsInUse: { fwmark: '0x4000', ctmark: '0x0' },
      consumers: [],
      owned: { table: false, ipRules: 0, tcFilters: 0 },
    };
  }

  async plan(target: string, documentText: string): Promise<PlanReport> {
    this.guard(`plan ${target}`);
    const name = (JSON.parse(documentText) as { name: string }).name;
    return {
      target,
      document: name,
      wanted: { ...EMPTY_STATE, nftScript: `table inet markwright { # ${name}\n}` },
      live: EMPTY_STATE,
      changes: [{ kind: 'nft', action: 'add', text: 'table inet markwright' }],
      check: { ok: true, message: null },
    };
  }

  async apply(
    target: string,
    documentText: string,
    confirmTimeout?: number,
    verify?: boolean,
  ): Promise<ApplyResult> {
    this.guard(`apply ${target} ${confirmTimeout ?? 'default'}`);
    const list = this.of(target);
    const previous = list.at(-1) ?? null;
    const record: DeploymentRecord = {
      id: `d${this.next++}`,
      target,
      document: documentText,
      documentName: (JSON.parse(documentText) as { name: string }).name,
      appliedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, this.next)).toISOString(),
      outcome: verify ? 'verified' : confirmTimeout === 0 ? 'confirmed' : 'pending',
      confirmedAt: null,
      endedAt: null,
      previousId: previous?.id ?? null,
      state: EMPTY_STATE,
      message: null,
    };
    list.push(record);
    if (verify) {
      // The fake box does everything the document says: no rule, nothing to disagree with.
      const verification = { ok: true, rules: [], disagreements: [], durationMs: 0 };
      return { deployment: { ...record, verification }, confirmDeadline: null, verification };
    }
    return {
      deployment: record,
      confirmDeadline: confirmTimeout === 0 ? null : String(confirmTimeout ?? 60),
    };
  }

  async confirm(target: string): Promise<DeploymentRecord> {
    this.guard(`confirm ${target}`);
    const pending = this.of(target).find((r) => r.outcome === 'pending');
    if (!pending) throw new ApiError('conflict', `nothing awaits confirmation on ${target}`);
    return this.update(target, pending.id, { outcome: 'confirmed', confirmedAt: '2026-01-01T00:01:00.000Z' });
  }

  /** What the watchdog does when the deadline passes. */
  expire(target: string): void {
    const pending = this.of(target).find((r) => r.outcome === 'pending');
    if (pending)
      this.update(target, pending.id, { outcome: 'reverted', endedAt: '2026-01-01T00:02:00.000Z' });
  }

  async rollback(target: string, to?: string): Promise<DeploymentRecord> {
    this.guard(`rollback ${target} ${to ?? 'previous'}`);
    const list = this.of(target);
    const last = list.at(-1);
    if (!last) throw new ApiError('not-found', `no deployment on ${target}`);
    const goal = to ?? last.previousId;
    const earlier = list.find((r) => r.id === goal);
    if (!earlier) throw new ApiError('not-found', `no deployment ${goal} on ${target}`);
    this.update(target, last.id, { outcome: 'rolled-back', endedAt: '2026-01-01T00:03:00.000Z' });
    const record = { ...earlier, id: `d${this.next++}`, previousId: last.id, outcome: 'confirmed' as const };
    list.push(record);
    return record;
  }

  async status(target: string): Promise<DeployStatus> {
    this.guard(`status ${target}`);
    const last = this.of(target).at(-1) ?? null;
    return {
      target,
      state: last === null ? 'none' : last.outcome === 'pending' ? 'pending' : 'confirmed',
      pending:
        last?.outcome === 'pending'
          ? { id: last.id, secondsLeft: 42, deadline: '2026-01-01T00:01:00.000Z' }
          : null,
      last,
      liveMatchesLast: true,
    };
  }

  async history(target: string): Promise<DeploymentRecord[]> {
    this.guard(`history ${target}`);
    return [...this.of(target)]; // oldest first, as the host lists them
  }

  async uninstall(target: string): Promise<void> {
    this.guard(`uninstall ${target}`);
    const list = this.of(target);
    for (const r of list) {
      if (r.outcome === 'pending' || r.outcome === 'confirmed')
        this.update(target, r.id, { outcome: 'rolled-back', message: 'uninstalled' });
    }
  }

  keepWrites(target: string) {
    return {
      target,
      files: [`/etc/markwright/targets/${target}/ruleset.json`],
      unit: '/etc/systemd/system/markwright-restore@.service',
      enables: `/etc/systemd/system/multi-user.target.wants/markwright-restore@${target}.service`,
    };
  }

  /** Live connections per target, for impact: none unless a test puts some. */
  readonly impacts = new Map<string, ImpactReport>();
  /** Traced packets per target, for traceLive. */
  readonly traces = new Map<string, TraceReport>();

  async impact(target: string, _documentText: string): Promise<ImpactReport> {
    this.guard(`impact ${target}`);
    return this.impacts.get(target) ?? { connections: 0, changed: [], groups: [] };
  }

  async trace(target: string, match: string, _seconds: number): Promise<TraceReport> {
    this.guard(`trace ${target} ${match}`);
    return this.traces.get(target) ?? { target, match, packets: [] };
  }
}
