import { type DeployVerification, InputError, KEPT_OUTCOMES, NotFound } from '@markwright/core';
import { targetLabel } from '../exec/target';
import type { DeploymentRecord, OwnedState } from '../types';
import type { DeployContext } from './context';
import { CompensationFailed, install, installOrRestore } from './converge';
import { readOwnedState } from './kernel-state';
import {
  CONFIRM_LOCK_WAIT_MS,
  type LiveCheck,
  locked,
  NOTHING_TO_CHECK,
  persist,
  recordFailure,
  restoredText,
  type StoredDeployment,
} from './operations';
import { routeTablesOf } from './owned-routes';
import { EMPTY_STATE } from './ownership';
import { checkPersistenceDirs } from './persistence';
import { ownStart } from './process-identity';
import { newDeploymentId } from './state-store';

/**
 * Go back to an earlier deployment's state (`to`), or to the state before the current one. With `checkFor`, the
 * restored deployment's document is checked on the live box as an apply's is: kept as `verified`, or the state
 * before the rollback is put back at once (`reverted-by-verification`).
 */
export async function rollback(
  ctx: DeployContext,
  to?: string,
  checkFor?: (documentText: string) => LiveCheck,
): Promise<DeploymentRecord> {
  return locked(
    ctx,
    async () => {
      const all = ctx.store.deployments() as StoredDeployment[];
      const current = ctx.store.current() as StoredDeployment | null;
      let target: {
        state: OwnedState;
        document: string;
        documentName: string;
        from: string | null;
        documentText?: string;
      };
      if (to !== undefined) {
        const record = ctx.store.deployment(to);
        if (!record)
          throw new NotFound(
            '--to',
            to,
            `no such deployment (known: ${all.map((d) => d.id).join(', ') || 'none'})`,
          );
        if (record.state.nft === undefined)
          throw new InputError(
            '--to',
            to,
            'was recorded by an older version without the table as listed; apply its document again',
          );
        target = {
          state: record.state,
          document: record.document,
          documentName: record.documentName,
          from: record.id,
          ...(record.documentText === undefined ? {} : { documentText: record.documentText }),
        };
      } else {
        if (!current) throw new NotFound('rollback', null, 'there is no deployment to roll back');
        const earlier = all.filter((d) => d.id < current.id && KEPT_OUTCOMES.includes(d.outcome)).pop();
        target = earlier
          ? {
              state: earlier.state,
              document: earlier.document,
              documentName: earlier.documentName,
              from: earlier.id,
              ...(earlier.documentText === undefined ? {} : { documentText: earlier.documentText }),
            }
          : {
              state: current.snapshot ?? EMPTY_STATE,
              document: '',
              documentName: '(state before the first deployment)',
              from: null,
            };
      }
      const live = await readOwnedState(
        ctx.runner,
        ctx.ownership,
        current?.state ?? null,
        target.state.tcFilters,
        routeTablesOf(target.state),
      );
      const now = ctx.now();
      const draft: StoredDeployment = {
        id: newDeploymentId(now),
        target: targetLabel(ctx.runner.target),
        document: target.document,
        documentName: target.documentName,
        appliedAt: now.toISOString(),
        outcome: 'confirmed',
        confirmedAt: now.toISOString(),
        endedAt: null,
        previousId: current?.id ?? null,
        state: target.state,
        message: target.from
          ? `rollback to ${target.from}`
          : 'rollback to the state before the first deployment',
        snapshot: live,
        ipRulePriorities: ctx.ownership.ipRulePriorities,
        ...(target.documentText === undefined ? {} : { documentText: target.documentText }),
      };
      checkPersistenceDirs(ctx.rootDir, ctx.runner.target);
      ctx.store.writeJournal({
        op: 'rollback',
        deploymentId: draft.id,
        pid: process.pid,
        pidStart: ownStart(),
        startedAt: now.toISOString(),
        restoreTo: live,
        tcLines: [...live.tcFilters, ...target.state.tcFilters],
        draft,
      });
      let installed: OwnedState;
      try {
        installed = await installOrRestore(ctx.runner, ctx.ownership, target.state, live);
      } catch (error) {
        // Nothing changed, or compensation put the previous state back; otherwise recovery needs the journal.
        if (!(error instanceof CompensationFailed)) {
          recordFailure(ctx, draft, error, current, live);
          ctx.store.clearJournal();
        }
        throw error;
      }
      let record: StoredDeployment = { ...draft, state: installed };
      if (checkFor) {
        const tcLines = [...live.tcFilters, ...target.state.tcFilters];
        let verification: DeployVerification;
        try {
          verification =
            target.documentText === undefined ? NOTHING_TO_CHECK : await checkFor(target.documentText)();
        } catch (error) {
          await install(ctx.runner, ctx.ownership, live, tcLines);
          recordFailure(ctx, draft, error, current, live);
          ctx.store.clearJournal();
          throw error;
        }
        if (!verification.ok) {
          await install(ctx.runner, ctx.ownership, live, tcLines);
          const n = verification.disagreements.length;
          const undone: DeploymentRecord = {
            ...record,
            outcome: 'reverted-by-verification',
            confirmedAt: null,
            endedAt: ctx.now().toISOString(),
            verification,
            message: `${draft.message}: reverted, the box did not do what the document says (${n} disagreement${n === 1 ? '' : 's'})`,
            restored: restoredText(current, live),
          };
          ctx.store.saveDeployment(undone);
          ctx.store.clearJournal();
          return undone;
        }
        record = { ...record, outcome: 'verified', verification };
      }
      if (current)
        ctx.store.saveDeployment({ ...current, outcome: 'rolled-back', endedAt: now.toISOString() });
      ctx.store.clearPending();
      ctx.store.saveDeployment(record);
      persist(ctx, installed);
      ctx.store.clearJournal();
      return record;
    },
    CONFIRM_LOCK_WAIT_MS,
  );
}
