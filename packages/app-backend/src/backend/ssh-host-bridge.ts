// A HostBridge that sends SSH targets to the box's own helper over one SSH connection per host (kept for the
// app session, so the countdown's status reads reuse it) and every other target to the local bridge. The ssh
// client runs as the user the app runs as: their keys and agent, the app's known_hosts.

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
import { EnvironmentError, isSshTargetText, parseSshTarget } from '@markwright/core';
import { type HelperCall, HostKeyError, RemoteSession } from '@markwright/host';
import { keepWritesUnder } from './helper-host-bridge';
import type { HostBridge } from './host-bridge';
import type { SshHosts } from './ssh-hosts';

/** Name recorded as the deployment's document: the app sends the text, not a file. */
const APP_DOCUMENT = 'markwright-app';

export class SshHostBridge implements HostBridge {
  private readonly sessions = new Map<string, RemoteSession>();

  constructor(
    private readonly local: HostBridge,
    private readonly hosts: SshHosts,
  ) {}

  /** One request to the box's helper; a lost connection is dropped so the next request connects again. */
  private async remote<T>(target: string, call: Omit<HelperCall, 'target'>): Promise<T> {
    let session = this.sessions.get(target);
    if (!session) {
      session = new RemoteSession(parseSshTarget(target), this.hosts.sessionOptions(target));
      this.sessions.set(target, session);
    }
    try {
      return await session.request<T>(call);
    } catch (error) {
      if (error instanceof EnvironmentError) {
        this.sessions.delete(target);
        await session.close().catch(() => {});
        if (error instanceof HostKeyError) throw await this.hosts.refusedKey(target);
      }
      throw error;
    }
  }

  /** The local targets and every SSH host whose key was accepted (a changed key stays listed: it is refused). */
  async listTargets(): Promise<string[]> {
    const local = await this.local.listTargets();
    const accepted = this.hosts.list().filter((h) => h.state !== 'unverified');
    return [...local, ...accepted.map((h) => h.target)];
  }

  probe(target: string): Promise<ProbeReport> {
    return isSshTargetText(target) ? this.remote(target, { verb: 'probe' }) : this.local.probe(target);
  }

  plan(target: string, documentText: string): Promise<PlanReport> {
    return isSshTargetText(target)
      ? this.remote(target, { verb: 'plan', document: documentText, documentPath: APP_DOCUMENT })
      : this.local.plan(target, documentText);
  }

  apply(
    target: string,
    documentText: string,
    confirmTimeout?: number,
    verify?: boolean,
  ): Promise<ApplyResult> {
    if (!isSshTargetText(target)) return this.local.apply(target, documentText, confirmTimeout, verify);
    return this.remote(target, {
      verb: 'apply',
      document: documentText,
      documentPath: APP_DOCUMENT,
      ...(confirmTimeout === undefined ? {} : { confirmTimeout }),
      ...(verify ? { verify: true } : {}),
    });
  }

  confirm(target: string): Promise<DeploymentRecord> {
    return isSshTargetText(target) ? this.remote(target, { verb: 'confirm' }) : this.local.confirm(target);
  }

  rollback(target: string, to?: string, verify?: boolean): Promise<DeploymentRecord> {
    if (!isSshTargetText(target)) return this.local.rollback(target, to, verify);
    return this.remote(target, {
      verb: 'rollback',
      ...(to === undefined ? {} : { to }),
      ...(verify ? { verify: true } : {}),
    });
  }

  status(target: string): Promise<DeployStatus> {
    return isSshTargetText(target) ? this.remote(target, { verb: 'status' }) : this.local.status(target);
  }

  history(target: string): Promise<DeploymentRecord[]> {
    return isSshTargetText(target) ? this.remote(target, { verb: 'history' }) : this.local.history(target);
  }

  async uninstall(target: string): Promise<void> {
    if (isSshTargetText(target)) await this.remote(target, { verb: 'uninstall' });
    else await this.local.uninstall(target);
  }

  /** On the box its helper works on `local`: the files are the box's own, under its root folder. */
  keepWrites(target: string): KeepWrites {
    if (!isSshTargetText(target)) return this.local.keepWrites(target);
    return keepWritesUnder(this.hosts.options.rootDir ?? '/', 'local', target);
  }

  impact(target: string, documentText: string): Promise<ImpactReport> {
    return isSshTargetText(target)
      ? this.remote(target, { verb: 'impact', document: documentText, documentPath: APP_DOCUMENT })
      : this.local.impact(target, documentText);
  }

  trace(target: string, match: string, seconds: number, documentText?: string): Promise<TraceReport> {
    if (!isSshTargetText(target)) return this.local.trace(target, match, seconds, documentText);
    return this.remote(target, {
      verb: 'trace',
      match,
      seconds,
      ...(documentText === undefined ? {} : { document: documentText, documentPath: APP_DOCUMENT }),
    });
  }

  async forget(target: string): Promise<void> {
    await this.drop(target);
  }

  private async drop(target: string): Promise<void> {
    const session = this.sessions.get(target);
    this.sessions.delete(target);
    await session?.close().catch(() => {});
  }

  async close(): Promise<void> {
    for (const target of [...this.sessions.keys()]) await this.drop(target);
    await this.local.close?.();
  }
}
