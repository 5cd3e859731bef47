import { type DeployVerification, InputError, KEPT_OUTCOMES, NotFound } from '@markwright/core';
import { LockHeld } from '../exec/errors';
import { targetLabel } from '../exec/target';
import type { ApplyResult, DeploymentRecord, DeployStatus, OwnedState } from '../types';
import type { DeployContext } from './context';
import { CompensationFailed, install, installOrRestore } from './converge';
import { crashPoint } from './crash-points';
import { readOwnedState } from './kernel-state';
import { routeTablesOf, withRouteTables } from './owned-routes';
import { sameState } from './owned-table';
import { EMPTY_STATE } from './ownership';
import { checkPersistenceDirs, removePersistence, writePersistence } from './persistence';
import { ownStart } from './process-identity';
import { type Journal, newDeploymentId } from './state-store';

/** A stored record; `snapshot` is the state it replaced (what a revert goes back to). */
export type StoredDeployment = DeploymentRecord;

export interface ApplyInput {
  readonly wanted: OwnedState;
  readonly document: string;
  readonly documentName: string;
  /** The document applied, as text: kept in the record so a rollback to it can be checked on the live box. */
  readonly documentText?: string;
  /** Seconds until an unconfirmed deployment is reverted; 0 = no confirmation needed. */
  readonly confirmTimeout: number;
  /**
   * Check the live box right after applying: kept (`verified`) when it does what the document says, reverted at
   * once otherwise. The deployment waits as pending meanwhile, so a crash mid-check is reverted by the watchdog.
   */
  readonly verify?: LiveCheck;
}

/** The live check of one document on the target, run after its rules are loaded. */
export type LiveCheck = () => Promise<DeployVerification>;

/** A state with no document behind it (before the first deployment, older records): no rule to check. */
export const NOTHING_TO_CHECK: DeployVerification = { ok: true, rules: [], disagreements: [], durationMs: 0 };

/** The deadline that guards a check in progress when no confirmation timeout was asked for. */
const CHECK_GUARD_SECONDS = 300;

/** How long confirm and rollback wait for a short command (status, the watchdog's tick) to release the lock. */
export const CONFIRM_LOCK_WAIT_MS = 10_000;

/**
 * Run `fn` holding the target's lock, after finishing whatever an interrupted process left behind. With
 * `waitMs`, a lock held by another live process is retried until then instead of refused at once: an admin's
 * Keep must not fail because the app's countdown was reading the status at that moment.
 */
export async function locked<T>(ctx: DeployContext, fn: () => Promise<T>, waitMs = 0): Promise<T> {
  const release = await takeLock(ctx, waitMs);
  try {
    await recover(ctx);
    return await fn();
  } finally {
    release();
  }
}

async function takeLock(ctx: DeployContext, waitMs: number): Promise<() => void> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      return ctx.store.lock();
    } catch (error) {
      if (!(error instanceof LockHeld) || Date.now() >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/**
 * Finish an interrupted step (journal left by a dead process): a completed step is kept, an incomplete one is
 * undone (apply, rollback) or completed (revert, uninstall); then an expired confirmation deadline is enforced.
 * Call with the lock held.
 */
export async function recover(ctx: DeployContext): Promise<void> {
  const journal = ctx.store.journal();
  if (journal) {
    const done = journal.draft ? ctx.store.deployment(journal.draft.id) : null;
    if (!done) {
      await install(ctx.runner, ctx.ownership, journal.restoreTo, journal.tcLines);
      if (journal.op === 'revert' && journal.deploymentId)
        finishRevert(ctx, journal.deploymentId, 'reverted');
      if (journal.draft) {
        ctx.store.saveDeployment({
          ...journal.draft,
          outcome: 'failed',
          endedAt: ctx.now().toISOString(),
          message: `interrupted during ${journal.op}; the previous state was restored`,
        });
      }
      if (ctx.store.pending()?.id === journal.deploymentId && journal.op !== 'revert')
        ctx.store.clearPending();
    }
    ctx.store.clearJournal();
  }
  const pending = ctx.store.pending();
  if (pending && Date.parse(pending.deadline) <= ctx.now().getTime()) await revertPending(ctx, pending.id);
}

function needsRecovery(ctx: DeployContext): boolean {
  if (ctx.store.journal()) return true;
  const pending = ctx.store.pending();
  return pending !== null && Date.parse(pending.deadline) <= ctx.now().getTime();
}

function finishRevert(
  ctx: DeployContext,
  id: string,
  outcome: 'reverted' | 'rolled-back' | 'reverted-by-verification',
  extra: Partial<DeploymentRecord> = {},
): void {
  const record = ctx.store.deployment(id);
  if (record && record.outcome === 'pending') {
    ctx.store.saveDeployment({ ...record, ...extra, outcome, endedAt: ctx.now().toISOString() });
  }
  if (ctx.store.pending()?.id === id) ctx.store.clearPending();
}

/** Put back the state a pending deployment replaced. Lock held. */
export async function revertPending(
  ctx: DeployContext,
  id: string,
  why: { outcome: 'reverted-by-verification'; extra: Partial<DeploymentRecord> } | null = null,
): Promise<void> {
  const record = ctx.store.deployment(id) as StoredDeployment | null;
  if (record?.outcome !== 'pending') {
    if (ctx.store.pending()?.id === id) ctx.store.clearPending();
    return;
  }
  // Our routes in the tables the deployment owned go too, when what it replaced had none there.
  const back = withRouteTables(record.snapshot ?? EMPTY_STATE, routeTablesOf(record.state));
  const journal: Journal = {
    op: 'revert',
    deploymentId: id,
    pid: process.pid,
    pidStart: ownStart(),
    startedAt: ctx.now().toISOString(),
    restoreTo: back,
    tcLines: [...back.tcFilters, ...record.state.tcFilters],
    draft: null,
  };
  ctx.store.writeJournal(journal);
  await install(ctx.runner, ctx.ownership, back, journal.tcLines);
  finishRevert(ctx, id, why?.outcome ?? 'reverted', why?.extra);
  ctx.store.clearJournal();
}

export async function apply(ctx: DeployContext, input: ApplyInput): Promise<ApplyResult> {
  if (!Number.isInteger(input.confirmTimeout) || input.confirmTimeout < 0 || input.confirmTimeout > 86_400) {
    throw new InputError('--confirm-timeout', input.confirmTimeout, 'must be whole seconds 0..86400');
  }
  // What apply loads is the document's compiled script; a table's objects are only ever put back from state
  // Markwright read itself (revert, rollback, boot).
  const wanted: OwnedState = {
    nftScript: input.wanted.nftScript,
    ipRules: input.wanted.ipRules,
    tcFilters: input.wanted.tcFilters,
    ...(input.wanted.routes !== undefined && { routes: input.wanted.routes }),
  };
  const timeout = input.verify && input.confirmTimeout === 0 ? CHECK_GUARD_SECONDS : input.confirmTimeout;
  return locked(ctx, async () => {
    const current = ctx.store.current() as StoredDeployment | null;
    const live = await readOwnedState(
      ctx.runner,
      ctx.ownership,
      current?.state ?? null,
      wanted.tcFilters,
      routeTablesOf(wanted),
    );
    // An unconfirmed deployment being replaced never became the baseline: a revert goes to what it replaced.
    const pendingNow = ctx.store.pending();
    const baseline = pendingNow && current?.outcome === 'pending' ? (current.snapshot ?? EMPTY_STATE) : live;
    const now = ctx.now();
    const id = newDeploymentId(now);
    const deadline = timeout > 0 ? new Date(now.getTime() + timeout * 1000).toISOString() : null;
    const draft: StoredDeployment = {
      id,
      target: targetLabel(ctx.runner.target),
      document: input.document,
      documentName: input.documentName,
      appliedAt: now.toISOString(),
      outcome: deadline ? 'pending' : 'confirmed',
      confirmedAt: deadline ? null : now.toISOString(),
      endedAt: null,
      previousId: current?.id ?? null,
      state: wanted,
      message: null,
      snapshot: baseline,
      ipRulePriorities: ctx.ownership.ipRulePriorities,
      ...(input.documentText === undefined ? {} : { documentText: input.documentText }),
    };
    // Persistence folders are checked before the kernel is touched, so a refusal changes nothing.
    if (!deadline || input.verify) checkPersistenceDirs(ctx.rootDir, ctx.runner.target);
    ctx.store.writeJournal({
      op: 'apply',
      deploymentId: id,
      pid: process.pid,
      pidStart: ownStart(),
      startedAt: now.toISOString(),
      restoreTo: live,
      tcLines: [...live.tcFilters, ...wanted.tcFilters],
      draft,
    });
    let watchdogPid: number | null;
    try {
      watchdogPid = ctx.launchWatchdog({ id, deadline });
    } catch (error) {
      // Refused before the kernel was touched: nothing to recover.
      ctx.store.clearJournal();
      throw error;
    }
    crashPoint('after-snapshot');
    let installed: OwnedState;
    try {
      installed = await installOrRestore(ctx.runner, ctx.ownership, wanted, live);
    } catch (error) {
      // Nothing changed, or compensation put the previous state back; otherwise recovery needs the journal.
      if (!(error instanceof CompensationFailed)) {
        recordFailure(ctx, draft, error, current, live);
        ctx.store.clearJournal();
      }
      throw error;
    }
    // A deployment without a deadline replaces a pending one for good: its confirmation is no longer awaited.
    if (deadline) ctx.store.writePending({ id, deadline, watchdogPid });
    else if (pendingNow) ctx.store.clearPending();
    const record: StoredDeployment = { ...draft, state: installed };
    ctx.store.saveDeployment(record);
    if (pendingNow && current && current.id !== id && current.outcome === 'pending') {
      ctx.store.saveDeployment({ ...current, outcome: 'superseded', endedAt: now.toISOString() });
    }
    if (!deadline) persist(ctx, installed);
    ctx.store.clearJournal();
    crashPoint('pending');
    if (input.verify) return settleByCheck(ctx, id, input.verify);
    return { deployment: record, confirmDeadline: deadline };
  });
}

/**
 * Keep or revert a pending deployment by the live check. A check that cannot run reverts too (nothing unchecked
 * is kept when a check was asked for) and its error is passed on. Lock held.
 */
async function settleByCheck(ctx: DeployContext, id: string, check: LiveCheck): Promise<ApplyResult> {
  let verification: DeployVerification;
  try {
    verification = await check();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    await revertPending(ctx, id, {
      outcome: 'reverted-by-verification',
      extra: {
        message: `reverted: the live check could not run: ${reason.trim().replace(/\s*\n\s*/g, '; ')}`,
      },
    });
    throw error;
  }
  const record = ctx.store.deployment(id)!;
  if (verification.ok) {
    const kept: DeploymentRecord = {
      ...record,
      outcome: 'verified',
      confirmedAt: ctx.now().toISOString(),
      verification,
    };
    ctx.store.saveDeployment(kept);
    ctx.store.clearPending();
    persist(ctx, record.state);
    return { deployment: kept, confirmDeadline: null, verification };
  }
  const n = verification.disagreements.length;
  await revertPending(ctx, id, {
    outcome: 'reverted-by-verification',
    extra: {
      verification,
      message: `reverted: the box did not do what the document says (${n} disagreement${n === 1 ? '' : 's'})`,
    },
  });
  return { deployment: ctx.store.deployment(id)!, confirmDeadline: null, verification };
}

/** What a failed step left live: the state it found, which compensation put back. */
export function restoredText(before: DeploymentRecord | null, live: OwnedState): string {
  const parts = `${live.ipRules.v4.length + live.ipRules.v6.length} ip rules, ${live.tcFilters.length} tc filters`;
  return before
    ? `the previous state was restored: deployment ${before.id} (${before.documentName}; ${parts})`
    : `the previous state was restored: no Markwright deployment (${parts})`;
}

/** A step that failed and was undone is history too: its error, and what is live again. */
export function recordFailure(
  ctx: DeployContext,
  draft: StoredDeployment,
  error: unknown,
  before: DeploymentRecord | null,
  restoredState: OwnedState,
): void {
  const reason = error instanceof Error ? error.message : String(error);
  ctx.store.saveDeployment({
    ...draft,
    outcome: 'failed',
    confirmedAt: null,
    endedAt: ctx.now().toISOString(),
    message: `${draft.message ? `${draft.message}: ` : ''}failed: ${reason.trim().replace(/\s*\n\s*/g, '; ')}`,
    restored: restoredText(before, restoredState),
  });
}

export function persist(ctx: DeployContext, state: OwnedState): void {
  writePersistence(ctx.rootDir, ctx.runner.target, state);
}

export async function confirm(ctx: DeployContext): Promise<DeploymentRecord> {
  return locked(
    ctx,
    async () => {
      const pending = ctx.store.pending();
      const record = pending ? ctx.store.deployment(pending.id) : null;
      if (!pending || !record || record.outcome !== 'pending') {
        throw new NotFound('confirm', null, 'no deployment awaits confirmation (see markwright status)');
      }
      const confirmed: DeploymentRecord = {
        ...record,
        outcome: 'confirmed',
        confirmedAt: ctx.now().toISOString(),
      };
      // Not kept unless it can be persisted: the deadline still reverts it.
      checkPersistenceDirs(ctx.rootDir, ctx.runner.target);
      ctx.store.saveDeployment(confirmed);
      ctx.store.clearPending();
      persist(ctx, record.state);
      return confirmed;
    },
    CONFIRM_LOCK_WAIT_MS,
  );
}

/**
 * Live vs last deployment. It takes the lock only when there is something to recover (a journal, or a deadline
 * that has passed): the app polls status every second, and a poll must never make an admin's apply fail on a
 * held lock. While another command holds the lock, it reads without recovering anything.
 */
export async function status(ctx: DeployContext): Promise<DeployStatus> {
  if (!needsRecovery(ctx)) return readStatus(ctx);
  try {
    return await locked(ctx, () => readStatus(ctx));
  } catch (error) {
    if (error instanceof LockHeld) return readStatus(ctx);
    throw error;
  }
}

async function readStatus(ctx: DeployContext): Promise<DeployStatus> {
  const pending = ctx.store.pending();
  const last = ctx.store.current();
  const live = await readOwnedState(ctx.runner, ctx.ownership, last?.state ?? null);
  const liveMatchesLast = sameState(live, last?.state ?? EMPTY_STATE);
  const nowMs = ctx.now().getTime();
  const newest = ctx.store.last();
  return {
    target: targetLabel(ctx.runner.target),
    state: pending
      ? 'pending'
      : !last && liveMatchesLast
        ? 'none'
        : liveMatchesLast
          ? 'confirmed'
          : 'drifted',
    pending: pending
      ? {
          id: pending.id,
          deadline: pending.deadline,
          secondsLeft: Math.max(0, Math.ceil((Date.parse(pending.deadline) - nowMs) / 1000)),
        }
      : null,
    last,
    liveMatchesLast,
    ...(newest && newest.id !== last?.id ? { newest } : {}),
  };
}

export function history(ctx: DeployContext): DeploymentRecord[] {
  return ctx.store.deployments();
}

/** Remove our kernel state and every persistence file; history stays. */
export async function uninstall(ctx: DeployContext): Promise<void> {
  await locked(ctx, async () => {
    const current = ctx.store.current();
    const live = await readOwnedState(ctx.runner, ctx.ownership, current?.state ?? null);
    checkPersistenceDirs(ctx.rootDir, ctx.runner.target);
    // Nothing of ours, and none of our routes in the tables the deployment owned.
    const nothing = withRouteTables(EMPTY_STATE, routeTablesOf(live));
    ctx.store.writeJournal({
      op: 'uninstall',
      deploymentId: null,
      pid: process.pid,
      pidStart: ownStart(),
      startedAt: ctx.now().toISOString(),
      restoreTo: nothing,
      tcLines: live.tcFilters,
      draft: null,
    });
    await install(ctx.runner, ctx.ownership, nothing, live.tcFilters);
    const pending = ctx.store.pending();
    if (pending) finishRevert(ctx, pending.id, 'rolled-back');
    if (current && KEPT_OUTCOMES.includes(current.outcome)) {
      ctx.store.saveDeployment({
        ...current,
        outcome: 'rolled-back',
        endedAt: ctx.now().toISOString(),
        message: 'uninstalled',
      });
    }
    removePersistence(ctx.rootDir, ctx.runner.target);
    ctx.store.clearJournal();
  });
}
