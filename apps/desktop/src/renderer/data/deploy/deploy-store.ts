// Deploying the open layout: the chosen target (this box or a network namespace), its probe, the plan (diff and
// nft check), apply with the confirm-or-revert countdown, Keep / Revert now, and the target's history with
// rollback. The deploy view renders this and calls its methods.

import type { MarkwrightApi } from '@markwright/api';
import type {
  ApplyResult,
  DeploymentRecord,
  DeployStatus,
  ImpactReport,
  PlanReport,
  ProbeReport,
} from '@markwright/core';
import type { ActivityStore } from '../activity/activity-store';
import { DataStore } from '../data-store';
import type { DraftStore } from '../draft/draft-store';
import { PendingWatch } from './pending-watch';

/** What the last deploy action ended in; `state` is for tests and assistive tech to tell outcomes apart. */
export interface Outcome {
  readonly tone: 'ok' | 'error' | 'info';
  readonly state: 'pending' | 'applied' | 'kept' | 'reverted' | 'rolled-back' | 'other';
  readonly text: string;
}

/** The confirmation window the UI offers (seconds); the API also takes 0, which means "no confirmation". */
const TIMEOUT_MIN = 1;
const TIMEOUT_MAX = 3600;

export class DeployStore extends DataStore {
  targets: string[] = [];
  target = 'local';
  /** The last probe, of whichever target it was taken on. */
  probe: ProbeReport | null = null;
  plan: PlanReport | null = null;
  /** The plan's effect on the target's live connections (read after the plan). */
  impact: ImpactReport | null = null;
  applied: ApplyResult | null = null;
  outcome: Outcome | null = null;
  history: DeploymentRecord[] = [];
  timeoutText = '30';
  readonly watch: PendingWatch;
  private loaded = false;

  constructor(
    private readonly api: MarkwrightApi,
    private readonly activity: ActivityStore,
    private readonly layout: DraftStore,
  ) {
    super();
    this.watch = new PendingWatch(
      (target) => api.status({ target }),
      () => this.notify(),
      (status) => void this.settled(status),
    );
  }

  /** The deploy view is shown: the targets and a waiting deployment the first time, the history each time. */
  async show(): Promise<void> {
    if (this.loaded) return this.refreshHistory();
    this.loaded = true;
    const list = await this.activity.run('Listing targets', () => this.api.listTargets());
    if (!list) return;
    this.targets = list;
    if (!list.includes(this.target)) this.target = list[0] ?? 'local';
    this.notify();
    await this.refreshHistory();
    await this.resumePending();
  }

  /** Why planning and applying are refused now, or null. */
  get blockedReason(): string | null {
    const layout = this.layout;
    if (!layout.draft || !layout.openLayout) return 'Open a saved layout first.';
    if (layout.hasErrors) return 'The layout has errors: fix them in the designer first.';
    if (layout.dirty) return 'The layout has unsaved changes: save it first.';
    return null;
  }

  /** The typed confirmation timeout in seconds, or null when it is not one. */
  get timeoutSeconds(): number | null {
    const t = this.timeoutText.trim();
    const n = Number(t);
    return /^[0-9]{1,4}$/.test(t) && n >= TIMEOUT_MIN && n <= TIMEOUT_MAX ? n : null;
  }

  get timeoutProblem(): string | null {
    return this.timeoutSeconds === null
      ? `"${this.timeoutText}" is not ${TIMEOUT_MIN} to ${TIMEOUT_MAX} seconds`
      : null;
  }

  /** True while a deployment waits for Keep or its revert. */
  get pending(): boolean {
    return this.watch.active && this.watch.secondsLeft !== null;
  }

  /** The probe of the chosen target, when there is one. */
  get targetProbe(): ProbeReport | null {
    return this.probe?.target === this.target ? this.probe : null;
  }

  setTimeoutText(text: string): void {
    this.timeoutText = text;
    this.notify();
  }

  async chooseTarget(target: string): Promise<void> {
    this.watch.stop();
    this.target = target;
    this.plan = null;
    this.impact = null;
    this.applied = null;
    this.outcome = null;
    this.notify();
    await this.refreshHistory();
    await this.resumePending();
  }

  async probeTarget(): Promise<void> {
    const target = this.target;
    const report = await this.activity.run(`Probing ${target}`, () => this.api.probe({ target }));
    if (!report) return;
    this.probe = report;
    this.notify();
  }

  async makePlan(): Promise<void> {
    const open = this.layout.openLayout;
    if (!open || this.blockedReason) return;
    const target = this.target;
    const plan = await this.activity.run('Planning', () =>
      this.api.plan({ name: open.name, version: open.version, target }),
    );
    if (!plan) return;
    this.plan = plan;
    this.impact = null;
    this.notify();
    const impact = await this.activity.run('Reading live connections', () =>
      this.api.impact({ name: open.name, version: open.version, target }),
    );
    if (impact && this.plan === plan) this.impact = impact;
    this.notify();
  }

  async apply(): Promise<void> {
    const open = this.layout.openLayout;
    const confirmTimeout = this.timeoutSeconds;
    if (!open || confirmTimeout === null || this.blockedReason) return;
    const target = this.target;
    const result = await this.activity.run('Applying', () =>
      this.api.apply({ name: open.name, version: open.version, target, confirmTimeout }),
    );
    if (!result) return;
    this.applied = result;
    if (result.confirmDeadline !== null) {
      this.setOutcome('info', 'pending', 'Applied: keep it before the countdown ends, or it is undone');
      this.watch.follow(target);
    } else {
      this.setOutcome('ok', 'applied', `Applied (${result.deployment.outcome})`);
    }
    await this.refreshHistory();
  }

  async keep(): Promise<void> {
    const target = this.target;
    const record = await this.activity.run('Confirming', () => this.api.confirm({ target }));
    if (!record) return;
    this.watch.stop();
    this.setOutcome('ok', 'kept', `Kept: deployment ${record.id} confirmed`);
    await this.refreshHistory();
  }

  async revertNow(): Promise<void> {
    const target = this.target;
    const record = await this.activity.run('Reverting', () => this.api.rollback({ target }));
    if (!record) return;
    this.watch.stop();
    this.setOutcome('ok', 'reverted', 'Reverted: the previous state is back');
    await this.refreshHistory();
  }

  async rollbackTo(id: string): Promise<void> {
    const target = this.target;
    const record = await this.activity.run('Rolling back', () => this.api.rollback({ target, to: id }));
    if (!record) return;
    this.setOutcome('ok', 'rolled-back', `Rolled back to deployment ${id}`);
    await this.refreshHistory();
  }

  dispose(): void {
    this.watch.stop();
  }

  private setOutcome(tone: Outcome['tone'], state: Outcome['state'], text: string): void {
    this.outcome = { tone, state, text };
    this.notify();
  }

  private async refreshHistory(): Promise<void> {
    const target = this.target;
    const list = await this.activity.run('Reading history', () => this.api.history({ target }));
    if (!list || target !== this.target) return;
    this.history = list;
    this.notify();
  }

  /** A deployment may already be waiting for confirmation (e.g. after the window was reopened). */
  private async resumePending(): Promise<void> {
    const target = this.target;
    const status = await this.activity.run('Reading status', () => this.api.status({ target }));
    if (!status?.pending || target !== this.target) return;
    this.setOutcome('info', 'pending', 'A deployment is waiting for confirmation');
    this.watch.follow(target);
  }

  private async settled(status: DeployStatus): Promise<void> {
    await this.refreshHistory();
    const id = this.applied?.deployment.id;
    const record = this.history.find((r) => r.id === id) ?? status.last;
    if (record?.outcome === 'reverted') {
      this.setOutcome('error', 'reverted', 'Reverted: the countdown ran out and the previous state is back');
    } else if (record?.outcome === 'confirmed') {
      this.setOutcome('ok', 'kept', `Kept: deployment ${record.id} confirmed`);
    } else {
      this.setOutcome('info', 'other', `No longer pending (${record?.outcome ?? status.state})`);
    }
  }
}
