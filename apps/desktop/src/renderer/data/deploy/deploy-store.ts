// Deploying a saved layout version: the target chosen for the layout (explicitly, then remembered), its probe,
// the plan of exactly this version for exactly this target (Apply waits for it), apply with the confirm-or-revert
// countdown, Keep / Revert now, the target's history with rollback (asked, then with a countdown) and uninstall.
// Each action's failure is kept beside the action until it succeeds or its inputs change. The deploy view
// renders this and calls its methods.

import type { DeploymentEntry, LayoutVersionSummary, MarkwrightApi } from '@markwright/api';
import type {
  DeploymentOutcome,
  DeployVerification,
  ImpactReport,
  PlanReport,
  ProbeReport,
  SuggestReport,
} from '@markwright/core';
import { draftToDocument } from '../../logic/draft';
import type { ActivityStore } from '../activity/activity-store';
import { DataStore } from '../data-store';
import type { DraftStore } from '../draft/draft-store';
import { describeError } from '../errors';
import {
  appliedOutcome,
  confirmSeconds,
  confirmSecondsProblem,
  type Outcome,
  rolledBackOutcome,
  settledOutcome,
} from './outcomes';
import { PendingStore } from './pending-store';

export type { Outcome } from './outcomes';

/** The actions whose failures are shown beside them. */
export type DeployAction =
  | 'target'
  | 'probe'
  | 'plan'
  | 'apply'
  | 'keep'
  | 'revert'
  | 'rollback'
  | 'uninstall';

/** A plan, what it was made of (valid only while they stay the same) and whether Apply has made it live. */
interface ShownPlan {
  readonly key: string;
  readonly report: PlanReport;
  readonly applied: boolean;
}

export class DeployStore extends DataStore {
  targets: string[] = [];
  /** The target chosen for the open layout; null until someone chooses one (never local by default). */
  target: string | null = null;
  /** The saved versions of the open layout, newest first. */
  versions: LayoutVersionSummary[] = [];
  /** The saved version to deploy; null follows the open layout's version. */
  chosenVersion: number | null = null;
  /** The last probe, of whichever target it was taken on. */
  probe: ProbeReport | null = null;
  shownPlan: ShownPlan | null = null;
  /** The plan's effect on the target's live connections (read after the plan). */
  impact: ImpactReport | null = null;
  outcome: Outcome | null = null;
  history: DeploymentEntry[] = [];
  errors: Partial<Record<DeployAction, string>> = {};
  /** Free bits, priorities and tables on a target for the open layout, once asked for. */
  suggestion: SuggestReport | null = null;
  timeoutText = '30';
  /** Confirm when verified (default): the live box is checked right after, kept or reverted at once; off: Keep. */
  verify = true;
  /** The last live check, with its disagreements (expected vs seen per rule). */
  verification: DeployVerification | null = null;
  /** A deployment whose "Roll back to this" waits for a yes. */
  rollbackAsked: string | null = null;
  uninstallAsked = false;
  readonly pending: PendingStore;
  private loaded = false;
  /** The layout whose remembered target and versions are loaded. */
  private layoutShown: string | null = null;
  private versionShown: number | null = null;

  constructor(
    private readonly api: MarkwrightApi,
    private readonly activity: ActivityStore,
    private readonly layout: DraftStore,
    pending?: PendingStore,
  ) {
    super();
    this.pending = pending ?? new PendingStore(api, activity);
    this.pending.addEventListener('change', () => this.notify());
    this.pending.onSettled((target, id) => void this.settled(target, id));
    layout.addEventListener('change', () => void this.followLayout());
  }

  /** The deploy view is shown: the targets the first time, the history each time. */
  async show(): Promise<void> {
    await this.followLayout();
    if (this.loaded) return this.refreshHistory();
    this.loaded = true;
    await this.refreshTargets();
    await this.refreshHistory();
  }

  /** Lists the targets again (an SSH host was accepted or removed). */
  async refreshTargets(): Promise<void> {
    const list = await this.activity.run('Listing targets', () => this.api.listTargets());
    if (list) this.targets = list;
    this.notify();
  }

  /** The version plan and apply use. */
  get version(): number | null {
    return this.chosenVersion ?? this.layout.openLayout?.version ?? null;
  }

  /** What a plan must have been made of to let Apply run now. */
  private get planKey(): string | null {
    const open = this.layout.openLayout;
    if (!open || this.target === null || this.version === null) return null;
    return `${open.name}@${this.version}→${this.target}`;
  }

  /** The plan of exactly this version for exactly this target, or null. */
  get plan(): PlanReport | null {
    return this.shownPlan && this.shownPlan.key === this.planKey ? this.shownPlan.report : null;
  }

  /** Why planning is refused now, or null. */
  get blockedReason(): string | null {
    const layout = this.layout;
    if (!layout.draft || !layout.openLayout) return 'Open a saved layout first.';
    const deployingOpen = this.version === layout.openLayout.version;
    if (deployingOpen && layout.hasErrors) return 'The layout has errors: fix them in the designer first.';
    if (deployingOpen && layout.dirty) return 'The layout has unsaved changes: save it first.';
    if (this.target === null) return 'Choose a target first.';
    return null;
  }

  /** Why Apply is refused now, or null: it needs a clean plan of this version for this target. */
  get applyBlockedReason(): string | null {
    const blocked = this.blockedReason;
    if (blocked) return blocked;
    const plan = this.plan;
    if (!plan) return `Plan version ${this.version} for ${this.target} first.`;
    if (this.shownPlan?.applied) return `This plan is live on ${this.target} now: plan again first.`;
    if (!plan.check.ok) return 'The plan failed its check: see the plan.';
    if ((plan.problems ?? []).length > 0) return 'The target cannot take this plan: see the problems in it.';
    if (this.pending.of(this.target)) return `A deployment on ${this.target} is waiting for Keep.`;
    if (this.timeoutSeconds === null) return this.timeoutProblem;
    return null;
  }

  /** The typed confirmation timeout in seconds, or null when it is not one. */
  get timeoutSeconds(): number | null {
    return confirmSeconds(this.timeoutText);
  }

  get timeoutProblem(): string | null {
    return confirmSecondsProblem(this.timeoutText);
  }

  /** The outcome to show: the last action's, or that a deployment waits on this target (e.g. after a restart). */
  get shownOutcome(): Outcome | null {
    if (this.outcome) return this.outcome;
    return this.pending.of(this.target)
      ? { tone: 'info', state: 'pending', text: 'A deployment is waiting for confirmation' }
      : null;
  }

  /** The seconds left on the chosen target's pending deployment, or null when nothing waits there. */
  get secondsLeft(): number | null {
    return this.pending.of(this.target)?.secondsLeft ?? null;
  }

  /** The probe of the chosen target, when there is one. */
  get targetProbe(): ProbeReport | null {
    return this.probe && this.probe.target === this.target ? this.probe : null;
  }

  /** The deployment live on the chosen target now, as its history says. */
  get live(): DeploymentEntry | null {
    return this.history.find((h) => h.live) ?? null;
  }

  setVerify(verify: boolean): void {
    this.verify = verify;
    this.notify();
  }

  setTimeoutText(text: string): void {
    this.timeoutText = text;
    this.notify();
  }

  /** Chooses the version to deploy (a plan of another version no longer counts). */
  chooseVersion(version: number): void {
    this.chosenVersion = version === this.layout.openLayout?.version ? null : version;
    this.forgetPlan();
  }

  /** Chooses the target and remembers it for the open layout (a plan or failed probe of another no longer counts). */
  async chooseTarget(target: string): Promise<void> {
    this.target = target;
    delete this.errors.probe;
    this.forgetPlan();
    this.outcome = null;
    const open = this.layout.openLayout;
    if (open) {
      const saved = await this.activity.attempt('Remembering the target', () =>
        this.api.setLayoutTarget({ name: open.name, target }),
      );
      this.setError('target', saved.ok ? null : saved.message);
    }
    await this.refreshHistory();
  }

  async probeTarget(): Promise<void> {
    const target = this.target;
    if (target === null) return;
    const report = await this.act('probe', `Probing ${target}`, () => this.api.probe({ target }));
    if (!report) return;
    this.probe = report;
    this.notify();
  }

  /** Probes the target, proposes free bits (`width` wide) and a route there, clear of all found and of the layout. */
  async suggest(width = 1): Promise<void> {
    const draft = this.layout.draft;
    const target = this.target;
    if (target === null) {
      this.activity.setStatus('error', 'Choose a target on Deploy first: Suggest probes it');
      return;
    }
    const document = draft && !this.layout.hasErrors ? draftToDocument(draft) : undefined;
    const report = await this.activity.run(`Looking for free bits on ${target}`, () =>
      this.api.suggest({ target, width, ...(document && { document }) }),
    );
    if (!report) return;
    this.suggestion = report;
    this.notify();
  }

  async makePlan(): Promise<void> {
    const open = this.layout.openLayout;
    const key = this.planKey;
    const { target, version } = this;
    if (!open || key === null || target === null || version === null || this.blockedReason) return;
    const report = await this.act('plan', 'Planning', () =>
      this.api.plan({ name: open.name, version, target }),
    );
    if (!report) return;
    this.shownPlan = { key, report, applied: false };
    this.impact = null;
    this.notify();
    // Apply may keep the deployment by itself (verified): what that writes is said before Apply is pressed.
    await this.pending.readWrites(target);
    const impact = await this.activity.run('Reading live connections', () =>
      this.api.impact({ name: open.name, version, target }),
    );
    if (impact && this.shownPlan?.report === report) this.impact = impact;
    this.notify();
  }

  async apply(): Promise<void> {
    const open = this.layout.openLayout;
    const { target, version } = this;
    const confirmTimeout = this.timeoutSeconds;
    if (!open || target === null || version === null || confirmTimeout === null) return;
    if (this.applyBlockedReason) return;
    const verify = this.verify;
    this.verification = null;
    const result = await this.act('apply', verify ? 'Applying and checking the box' : 'Applying', () =>
      this.api.apply({ name: open.name, version, target, confirmTimeout, ...(verify ? { verify } : {}) }),
    );
    // A failed apply is history too (with its error and what was restored): show it under the others.
    if (!result) return this.refreshHistory();
    this.verification = result.deployment.verification ?? null;
    this.outcome = appliedOutcome(result);
    this.planApplied(result.deployment.outcome);
    await Promise.all([this.pending.refresh(), this.refreshHistory()]);
  }

  async keep(): Promise<void> {
    const target = this.target;
    const waiting = this.pending.of(target);
    if (target === null) return;
    const ok = await this.pending.keep(target);
    this.setError('keep', ok ? null : (this.pending.errors.get(target) ?? 'Keep failed'));
    if (!ok) return;
    this.setOutcome('ok', 'kept', `Kept: deployment ${waiting?.id ?? ''} confirmed`);
    await this.refreshHistory();
  }

  async revertNow(): Promise<void> {
    const target = this.target;
    if (target === null) return;
    const ok = await this.pending.revertNow(target);
    this.setError('revert', ok ? null : (this.pending.errors.get(target) ?? 'Revert failed'));
    if (!ok) return;
    this.setOutcome('ok', 'reverted', 'Reverted: the previous state is back');
    await this.refreshHistory();
  }

  askRollback(id: string | null): void {
    this.rollbackAsked = id;
    this.notify();
  }

  /** Goes back to the asked deployment with the same countdown as an apply. */
  async rollback(): Promise<void> {
    const to = this.rollbackAsked;
    const target = this.target;
    const confirmTimeout = this.timeoutSeconds;
    if (to === null || target === null || confirmTimeout === null) return;
    this.rollbackAsked = null;
    const verify = this.verify;
    this.verification = null;
    const record = await this.act('rollback', 'Rolling back', () =>
      this.api.rollback({ target, to, confirmTimeout, ...(verify ? { verify } : {}) }),
    );
    if (!record) return this.refreshHistory();
    this.verification = record.verification ?? null;
    this.outcome = rolledBackOutcome(record, to);
    this.planApplied(record.outcome);
    await Promise.all([this.pending.refresh(), this.refreshHistory()]);
  }

  askUninstall(asked: boolean): void {
    this.uninstallAsked = asked;
    this.notify();
  }

  async uninstall(): Promise<void> {
    const target = this.target;
    if (target === null || !this.uninstallAsked) return;
    this.uninstallAsked = false;
    const done = await this.act('uninstall', `Uninstalling from ${target}`, () =>
      this.api.uninstall({ target }),
    );
    if (!done) return;
    this.planApplied('rolled-back');
    this.setOutcome('ok', 'uninstalled', `Uninstalled: nothing of Markwright is left on ${target}`);
    await Promise.all([this.pending.refresh(), this.refreshHistory()]);
  }

  dispose(): void {
    this.pending.dispose();
  }

  /** The open layout changed: load its remembered target and its versions. */
  private async followLayout(): Promise<void> {
    const open = this.layout.openLayout;
    const name = open?.name ?? null;
    if (name === this.layoutShown && open?.version === this.versionShown) return;
    const newLayout = name !== this.layoutShown;
    this.layoutShown = name;
    this.versionShown = open?.version ?? null;
    if (newLayout) {
      this.target = null;
      this.chosenVersion = null;
      this.outcome = null;
      this.forgetPlan();
    }
    if (!name) {
      this.versions = [];
      this.notify();
      return;
    }
    if (newLayout) {
      // Background reads: they must not hold the activity busy (saving waits for it).
      const remembered = await this.api.getLayoutTarget({ name }).then(
        (r) => r.target,
        (error: unknown) => {
          this.setError('target', `Reading the layout’s target: ${describeError(error)}`);
          return null;
        },
      );
      if (this.layoutShown !== name) return;
      this.target = remembered;
      this.notify();
      if (this.loaded) await this.refreshHistory();
    }
    const versions = await this.api.listVersions({ name }).catch(() => null);
    if (versions && this.layoutShown === name) this.versions = versions;
    this.notify();
  }

  private forgetPlan(): void {
    this.shownPlan = null;
    this.impact = null;
    this.verification = null;
    delete this.errors.plan;
    delete this.errors.apply;
    this.rollbackAsked = null;
    this.uninstallAsked = false;
    this.notify();
  }

  /** The target changed (unless the live check put it back): the plan shown is live, Apply waits for a new one. */
  private planApplied(outcome: DeploymentOutcome): void {
    if (outcome !== 'reverted-by-verification' && this.shownPlan)
      this.shownPlan = { ...this.shownPlan, applied: true };
    this.notify();
  }

  /** Runs an action, keeping its failure beside it until it succeeds. */
  private async act<T>(action: DeployAction, what: string, call: () => Promise<T>): Promise<T | undefined> {
    const result = await this.activity.attempt(what, call);
    this.setError(action, result.ok ? null : result.message);
    return result.ok ? result.value : undefined;
  }

  private setError(action: DeployAction, message: string | null): void {
    if (message === null) delete this.errors[action];
    else this.errors = { ...this.errors, [action]: message };
    this.notify();
  }

  private setOutcome(tone: Outcome['tone'], state: Outcome['state'], text: string): void {
    this.outcome = { tone, state, text };
    this.notify();
  }

  private async refreshHistory(): Promise<void> {
    const target = this.target;
    if (target === null) {
      this.history = [];
      this.notify();
      return;
    }
    const list = await this.activity.run('Reading history', () => this.api.history({ target }));
    if (!list || target !== this.target) return;
    this.history = list;
    this.notify();
  }

  /** A pending deployment on the chosen target stopped waiting: say how, from its history. */
  private async settled(target: string, id: string): Promise<void> {
    if (target !== this.target) return;
    await this.refreshHistory();
    if (this.outcome && this.outcome.state !== 'pending') return;
    this.outcome = settledOutcome(this.history.find((r) => r.id === id));
    this.notify();
  }
}
