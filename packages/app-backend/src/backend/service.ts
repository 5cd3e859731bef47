// MarkwrightApi implemented over the store, core and a HostBridge. Arguments arrive validated in shape (see
// dispatch.ts); documents are validated here by core, and nothing invalid reaches the store or a box.

import { userInfo } from 'node:os';
import {
  type ApiArgument,
  ApiError,
  type ApiInput,
  type DeploymentEntry,
  type KeepWrites,
  layoutName,
  type MarkwrightApi,
  type PendingDeployment,
} from '@markwright/api';
import type {
  ApplyResult,
  AuditEntry,
  BoxConfig,
  CheckError,
  CheckReport,
  DeploymentRecord,
  DeployStatus,
  DocumentJson,
  ExportedDocument,
  ImpactReport,
  LayoutSummary,
  LayoutVersion,
  LayoutVersionSummary,
  LintReport,
  MarkwrightDocument,
  PlanReport,
  ProbeReport,
  SimulationReport,
  SshHostSummary,
  SuggestReport,
  TraceReport,
} from '@markwright/core';
import {
  acknowledge,
  byPresence,
  DEFAULT_OWNERSHIP,
  isSshTargetText,
  suggestForProbe,
} from '@markwright/core';
import { lintDocument } from '@markwright/core/lint';
import type { Store } from '../store/store';
import type { DocumentTools } from './core-tools';
import { historyEntries, pendingEntry } from './deploy-records';
import type { HostBridge } from './host-bridge';
import type { SshHosts } from './ssh-hosts';
import { traceMatch } from './trace-match';

/** The user the app runs as, recorded with each deployment it makes. */
function currentUser(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    return undefined;
  }
}

export interface ServiceDeps {
  readonly store: Store;
  readonly tools: DocumentTools;
  readonly host: HostBridge;
  /** The SSH host list; without it the app offers no SSH hosts (adding one is refused). */
  readonly ssh?: SshHosts;
}

function invalidDocument(errors: readonly CheckError[], prefix = 'document'): ApiError {
  const first = errors[0];
  const list = errors.map((e) => `${e.field}: ${e.message}`).join('; ');
  return new ApiError(
    'invalid-input',
    `the document is not valid: ${list || 'unknown error'}`,
    first ? `${prefix}.${first.field}` : prefix,
  );
}

export class MarkwrightService implements MarkwrightApi {
  constructor(private readonly deps: ServiceDeps) {}

  private get store(): Store {
    return this.deps.store;
  }

  /** The document in its canonical form, or a typed error listing every problem. */
  private validated(
    json: unknown,
    prefix = 'document',
  ): { document: MarkwrightDocument; canonical: DocumentJson } {
    const { document, errors } = this.deps.tools.checkDocument(json);
    if (!document || errors.length > 0) throw invalidDocument(errors, prefix);
    return { document, canonical: this.deps.tools.serializeDocument(document) };
  }

  private newVersion(json: unknown, note: string | undefined) {
    const { document, canonical } = this.validated(json);
    return { document: canonical, fieldCount: document.layout.fields.length, note };
  }

  async listLayouts(): Promise<LayoutSummary[]> {
    return this.store.listLayouts();
  }

  async getLayout(input: ApiArgument<'getLayout'>): Promise<LayoutVersion> {
    return this.store.getVersion(input.name);
  }

  async createLayout(input: ApiArgument<'createLayout'>): Promise<LayoutSummary> {
    return this.store.createLayout(input.name, this.newVersion(input.document, input.note));
  }

  async saveLayout(input: ApiArgument<'saveLayout'>): Promise<LayoutSummary> {
    return this.store.saveVersion(input.name, this.newVersion(input.document, input.note));
  }

  async renameLayout(input: ApiArgument<'renameLayout'>): Promise<LayoutSummary> {
    return this.store.renameLayout(input.from, input.to);
  }

  async duplicateLayout(input: ApiArgument<'duplicateLayout'>): Promise<LayoutSummary> {
    return this.store.duplicateLayout(input.from, input.to);
  }

  /** Refused while the layout is live on a target (the mirror is refreshed from those targets first). */
  async deleteLayout(input: ApiArgument<'deleteLayout'>): Promise<void> {
    const liveOn = () =>
      this.store
        .liveDeployments()
        .filter((d) => d.layoutName === input.name)
        .map((d) => d.target);
    for (const target of liveOn()) {
      try {
        for (const record of await this.deps.host.history(target)) this.mirror(record);
      } catch {
        // The target cannot be read now: what the app last saw there still counts.
      }
    }
    const targets = liveOn();
    if (targets.length > 0) {
      throw new ApiError(
        'conflict',
        `layout ${JSON.stringify(input.name)} is live on ${targets.join(', ')}: uninstall it there or deploy another layout first`,
        'name',
      );
    }
    this.store.deleteLayout(input.name);
  }

  async listVersions(input: ApiArgument<'listVersions'>): Promise<LayoutVersionSummary[]> {
    return this.store.listVersions(input.name);
  }

  async getVersion(input: ApiArgument<'getVersion'>): Promise<LayoutVersion> {
    return this.store.getVersion(input.name, input.version);
  }

  async importDocument(input: ApiArgument<'importDocument'>): Promise<LayoutSummary> {
    let json: unknown;
    try {
      json = JSON.parse(input.text);
    } catch (error) {
      throw new ApiError('invalid-input', `text: not JSON (${(error as Error).message})`, 'text');
    }
    const version = this.newVersion(json, 'imported');
    const name = input.name ?? version.document.name;
    const checked = layoutName.safeParse(name);
    if (!checked.success) {
      throw new ApiError(
        'invalid-input',
        `name: ${checked.error.issues[0]?.message} (got ${JSON.stringify(name)})`,
        'name',
      );
    }
    return this.store.hasLayout(checked.data)
      ? this.store.saveVersion(checked.data, version)
      : this.store.createLayout(checked.data, version);
  }

  async exportDocument(input: ApiArgument<'exportDocument'>): Promise<ExportedDocument> {
    const found = this.store.getVersion(input.name, input.version);
    this.store.recordAudit('layout.export', found.name, `version ${found.version}`);
    return { text: `${JSON.stringify(found.document, null, 2)}\n` };
  }

  async checkDocument(input: ApiArgument<'checkDocument'>): Promise<CheckReport> {
    const { tools } = this.deps;
    const { document, errors } = tools.checkDocument(input.document);
    if (!document) return { valid: false, errors, conflicts: [] };
    const hostRules = input.hostRules ?? [];
    const detected = new Set(hostRules.length ? tools.detectConsumers(hostRules) : []);
    const { conflicts, acknowledged } = acknowledge(
      document,
      byPresence([
        ...tools.knownConflicts(document, detected),
        ...(hostRules.length ? tools.hostConflicts(document.layout, hostRules) : []),
      ]),
    );
    return {
      valid: errors.length === 0,
      errors,
      conflicts,
      ...(acknowledged.length > 0 && { acknowledged }),
    };
  }

  async lint(input: ApiArgument<'lint'>): Promise<LintReport> {
    const { tools } = this.deps;
    const { document } = this.validated(input.document);
    return lintDocument(document, {
      routes: input.routes === undefined ? [] : tools.parseRoutes(input.routes),
      ipRules: input.ipRules === undefined ? [] : tools.parseIpRules(input.ipRules),
    });
  }

  async simulate(input: ApiArgument<'simulate'>): Promise<SimulationReport> {
    const { tools } = this.deps;
    const live: BoxConfig = {
      ruleset: input.ruleset === undefined ? { tables: [] } : tools.parseRuleset(input.ruleset),
      ipRules: input.ipRules === undefined ? [] : tools.parseIpRules(input.ipRules),
      routes: input.routes === undefined ? [] : tools.parseRoutes(input.routes),
      tcFilters: [],
    };
    const box = input.document ? tools.boxWithDocument(live, this.validated(input.document).document) : live;
    return tools.simulate(box, input.packets);
  }

  /** What the box and the SSH host list offer, and the targets deployed to before (an SSH host only while listed). */
  async listTargets(): Promise<string[]> {
    const live = await this.deps.host.listTargets();
    const before = this.store
      .deploymentTargets()
      .filter((t) => !isSshTargetText(t) || this.store.sshHosts.has(t));
    return [...new Set([...live, ...before])];
  }

  async probe(input: ApiArgument<'probe'>): Promise<ProbeReport> {
    return this.deps.host.probe(input.target);
  }

  /** The stored version as the text the CLI reads, checked once more before it leaves for a box. */
  private deployable(name: string, version?: number): { text: string; version: number; name: string } {
    const found = this.store.getVersion(name, version);
    const { canonical } = this.validated(found.document, `layout ${name} version ${found.version}`);
    return { text: JSON.stringify(canonical), version: found.version, name: found.name };
  }

  private mirror(
    record: DeploymentRecord,
    origin?: { layoutName: string; layoutVersion: number; purpose?: string },
  ): DeploymentRecord {
    this.store.recordDeployment(record, origin);
    return record;
  }

  async plan(input: ApiArgument<'plan'>): Promise<PlanReport> {
    const doc = this.deployable(input.name, input.version);
    return this.deps.host.plan(input.target, doc.text);
  }

  async apply(input: ApiArgument<'apply'>, purpose?: string): Promise<ApplyResult> {
    const doc = this.deployable(input.name, input.version);
    const result = await this.deps.host.apply(input.target, doc.text, input.confirmTimeout, input.verify);
    const by = currentUser();
    this.store.recordDeployment(result.deployment, {
      layoutName: doc.name,
      layoutVersion: doc.version,
      ...(by === undefined ? {} : { by }),
      ...(purpose === undefined ? {} : { purpose }),
    });
    return result;
  }

  async confirm(input: ApiArgument<'confirm'>): Promise<DeploymentRecord> {
    return this.mirror(await this.deps.host.confirm(input.target));
  }

  /**
   * Back to an earlier deployment. With a countdown, that deployment's saved layout version is applied again
   * and waits for Keep like any apply; without one (or when the app did not make it) the host restores its
   * recorded state at once.
   */
  async rollback(input: ApiArgument<'rollback'>): Promise<DeploymentRecord> {
    const source =
      input.to === undefined ? undefined : this.store.deploymentSources(input.target).get(input.to);
    if (
      input.confirmTimeout !== undefined &&
      source?.layoutName &&
      source.layoutVersion !== null &&
      this.store.hasVersion(source.layoutName, source.layoutVersion)
    ) {
      const result = await this.apply(
        {
          name: source.layoutName,
          version: source.layoutVersion,
          target: input.target,
          confirmTimeout: input.confirmTimeout,
          ...(input.verify === undefined ? {} : { verify: input.verify }),
        },
        `rollback to ${input.to}`,
      );
      return result.deployment;
    }
    return this.mirror(await this.deps.host.rollback(input.target, input.to, input.verify));
  }

  async status(input: ApiArgument<'status'>): Promise<DeployStatus> {
    const status = await this.deps.host.status(input.target);
    // The watchdog may have reverted a deployment since we last looked: keep the mirror current.
    if (status.last) this.mirror(status.last);
    return status;
  }

  async impact(input: ApiArgument<'impact'>): Promise<ImpactReport> {
    const doc = this.deployable(input.name, input.version);
    return this.deps.host.impact(input.target, doc.text);
  }

  async suggest(input: ApiArgument<'suggest'>): Promise<SuggestReport> {
    const document = input.document === undefined ? undefined : this.validated(input.document).document;
    const report = await this.deps.host.probe(input.target);
    return suggestForProbe(report, {
      ...(input.width !== undefined && { width: input.width }),
      ...(input.band !== undefined && { band: input.band }),
      ...(document && { document }),
      preferredPriorities: DEFAULT_OWNERSHIP.ipRulePriorities,
    });
  }

  async traceLive(input: ApiArgument<'traceLive'>): Promise<TraceReport> {
    const doc = input.name === undefined ? undefined : this.deployable(input.name, input.version).text;
    return this.deps.host.trace(input.target, traceMatch(input.packet), input.seconds ?? 30, doc);
  }

  async history(input: ApiArgument<'history'>): Promise<DeploymentEntry[]> {
    const records = await this.deps.host.history(input.target);
    for (const record of records) this.mirror(record);
    return historyEntries(records, this.store.deploymentSources(input.target));
  }

  /** Asks each target the app deployed to, through the one helper session; a target gone since is left out. */
  async pendingDeployments(): Promise<PendingDeployment[]> {
    const found: PendingDeployment[] = [];
    const failures: unknown[] = [];
    const targets = this.store
      .deploymentTargets()
      .filter((t) => !isSshTargetText(t) || this.store.sshHosts.has(t));
    for (const target of targets) {
      try {
        const status = await this.deps.host.status(target);
        if (status.last) this.mirror(status.last);
        const entry = pendingEntry(target, status, this.store.deploymentSources(target));
        if (entry) found.push(entry);
      } catch (error) {
        failures.push(error);
      }
    }
    if (targets.length > 0 && failures.length === targets.length) throw failures[0];
    return found;
  }

  async getLayoutTarget(input: ApiArgument<'getLayoutTarget'>): Promise<{ target: string | null }> {
    return { target: this.store.layoutTarget(input.name) };
  }

  async setLayoutTarget(input: ApiArgument<'setLayoutTarget'>): Promise<{ target: string }> {
    this.store.setLayoutTarget(input.name, input.target);
    this.store.recordAudit('layout.target', input.name, input.target);
    return { target: input.target };
  }

  async keepWrites(input: ApiArgument<'keepWrites'>): Promise<KeepWrites> {
    return this.deps.host.keepWrites(input.target);
  }

  async uninstall(input: ApiArgument<'uninstall'>): Promise<{ removed: true }> {
    await this.deps.host.uninstall(input.target);
    this.store.recordAudit('target.uninstall', input.target);
    for (const record of await this.deps.host.history(input.target)) this.mirror(record);
    return { removed: true };
  }

  private get ssh(): SshHosts {
    if (!this.deps.ssh) throw new ApiError('environment', 'this app was started without SSH hosts');
    return this.deps.ssh;
  }

  async listSshHosts(): Promise<SshHostSummary[]> {
    return this.deps.ssh?.list() ?? [];
  }

  async addSshHost(input: ApiArgument<'addSshHost'>): Promise<SshHostSummary> {
    return this.ssh.add(input.address);
  }

  async fetchSshHostKey(input: ApiArgument<'fetchSshHostKey'>): Promise<SshHostSummary> {
    return this.ssh.fetchKeys(input.target);
  }

  async acceptSshHostKey(input: ApiArgument<'acceptSshHostKey'>): Promise<SshHostSummary> {
    return this.ssh.accept(input.target, input.fingerprints);
  }

  /** Refused while a deployment is live there, as deleting a live layout is (the mirror is refreshed first). */
  async removeSshHost(input: ApiArgument<'removeSshHost'>): Promise<void> {
    const live = () => this.store.liveDeployments().filter((d) => d.target === input.target);
    if (live().length > 0) {
      try {
        for (const record of await this.deps.host.history(input.target)) this.mirror(record);
      } catch {
        // The box cannot be reached now: what the app last saw there still counts.
      }
    }
    const still = live()[0];
    if (still) {
      const what = still.layoutName ? `layout ${still.layoutName} v${still.layoutVersion}` : still.id;
      throw new ApiError(
        'conflict',
        `${input.target} has a live deployment (${what}): uninstall it there first, then remove the host`,
        'target',
      );
    }
    this.ssh.remove(input.target);
    await this.deps.host.forget?.(input.target);
  }

  /** Also called directly (not only through the dispatcher), so a missing argument means "no limit". */
  async audit(input?: ApiInput<'audit'>): Promise<AuditEntry[]> {
    return this.store.auditLog(input?.limit);
  }
}
