import { closeSync, constants, openSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { KEPT_OUTCOMES } from '@markwright/core';
import { LockHeld } from '../exec/errors';
import { targetKey } from '../exec/target';
import type { DeploymentRecord, OwnedState, Target } from '../types';
import { readJson, readTextNoFollow, removeFile, writeJsonAtomic } from './atomic-file';
import { DEFAULT_OWNERSHIP, type Ownership } from './ownership';
import { ensurePrivateDir } from './private-dir';
import { isSameProcess, ownStart } from './process-identity';
import { checkJournal, checkPending, checkRecord, RecordProblem } from './record-checks';
import { CorruptStateError } from './state-errors';

// Kept here for callers that check a pid they started themselves.
export { isAlive } from './process-identity';

export const DEFAULT_STATE_DIR = '/var/lib/markwright';

/** The step in flight, written before the kernel is touched, so an interrupted step can be undone. */
export interface Journal {
  readonly op: 'apply' | 'revert' | 'rollback' | 'uninstall';
  readonly deploymentId: string | null;
  readonly pid: number;
  /** Start time of `pid` (see processStart), so a reused pid is not taken for the step's process. */
  readonly pidStart?: string | null;
  readonly startedAt: string;
  /** The owned state to go back to if the step did not finish. */
  readonly restoreTo: OwnedState;
  /** Tc places the interrupted step may have touched. */
  readonly tcLines: readonly string[];
  /** The record the step writes when it completes; its presence on disk means the step finished. */
  readonly draft: DeploymentRecord | null;
}

/** A deployment awaiting confirmation. */
export interface Pending {
  readonly id: string;
  readonly deadline: string;
  readonly watchdogPid: number | null;
}

/** Read a state file and check it; a bad one is a CorruptStateError naming the file and the field. */
function readChecked<T>(file: string, check: (v: unknown) => T): T | null {
  const value = readJson(file);
  if (value === null) return null;
  try {
    return check(value);
  } catch (error) {
    if (error instanceof RecordProblem) throw new CorruptStateError(file, error.message);
    throw error;
  }
}

/** Per-target state: deployments/<id>.json, journal.json, pending.json and the lock. */
export class StateStore {
  readonly dir: string;
  /** Deployment files `deployments()` skipped because they could not be trusted, one message each. */
  readonly unreadable: string[] = [];

  constructor(
    readonly root: string,
    readonly target: Target,
    readonly ownership: Ownership = DEFAULT_OWNERSHIP,
  ) {
    this.dir = join(root, targetKey(target));
  }

  ensure(): void {
    ensurePrivateDir(this.root, 'state dir');
    ensurePrivateDir(this.dir, 'state dir');
    ensurePrivateDir(join(this.dir, 'deployments'), 'state dir');
  }

  private path(name: string): string {
    return join(this.dir, name);
  }

  saveDeployment(record: DeploymentRecord): void {
    writeJsonAtomic(join(this.dir, 'deployments', `${record.id}.json`), record);
  }

  deployment(id: string): DeploymentRecord | null {
    if (!/^[0-9A-Za-z-]{1,64}$/.test(id)) return null;
    const file = join(this.dir, 'deployments', `${id}.json`);
    const record = readChecked(file, (v) => checkRecord(v, 'record', this.ownership));
    if (record && record.id !== id) throw new CorruptStateError(file, `record.id is ${record.id}, not ${id}`);
    return record;
  }

  private ids(): string[] {
    try {
      return readdirSync(join(this.dir, 'deployments'))
        .filter((n) => n.endsWith('.json'))
        .map((n) => n.slice(0, -'.json'.length))
        .sort();
    } catch {
      return [];
    }
  }

  /** Every deployment that can be read, oldest first (ids sort by time); the others go to `unreadable`. */
  deployments(): DeploymentRecord[] {
    return this.ids().flatMap((id) => {
      try {
        return this.deployment(id) ?? [];
      } catch (error) {
        if (!(error instanceof CorruptStateError)) throw error;
        this.unreadable.push(error.message);
        return [];
      }
    });
  }

  last(): DeploymentRecord | null {
    const id = this.ids().pop();
    return id ? this.deployment(id) : null;
  }

  /**
   * The newest deployment whose state is (or was last) live: not failed, reverted or rolled back. Read newest
   * first, so a long history of large rulesets does not slow every command down.
   */
  current(): DeploymentRecord | null {
    const ids = this.ids();
    for (let i = ids.length - 1; i >= 0; i--) {
      const record = this.deployment(ids[i]!);
      if (record && (KEPT_OUTCOMES.includes(record.outcome) || record.outcome === 'pending')) return record;
    }
    return null;
  }

  journal(): Journal | null {
    return readChecked(this.path('journal.json'), (v) => checkJournal(v, this.ownership));
  }
  // Journal and pending describe kernel state, which a power loss resets to the persisted files anyway: they
  // need to survive a killed process (rename), not a power cut (fsync).
  writeJournal(j: Journal): void {
    writeJsonAtomic(this.path('journal.json'), j, false);
  }
  clearJournal(): void {
    removeFile(this.path('journal.json'));
  }

  pending(): Pending | null {
    return readChecked(this.path('pending.json'), checkPending);
  }
  writePending(p: Pending): void {
    writeJsonAtomic(this.path('pending.json'), p, false);
  }
  clearPending(): void {
    removeFile(this.path('pending.json'));
  }

  /**
   * Take the per-target lock: a file naming our pid and its start time, created exclusively. A lock whose
   * process is gone, or whose pid now belongs to another process, is taken over; one held by its live process
   * is an environment error.
   */
  lock(): () => void {
    this.ensure();
    const file = this.path('lock');
    const mine = `${process.pid} ${ownStart() ?? ''}`.trim();
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const fd = openSync(
          file,
          constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
          0o600,
        );
        writeSync(fd, mine);
        closeSync(fd);
        return () => {
          try {
            if (readTextNoFollow(file) === mine) rmSync(file, { force: true });
          } catch {}
        };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const holder = lockHolder(file);
        if (holder && holder.pid !== process.pid && isSameProcess(holder.pid, holder.start)) {
          throw new LockHeld(
            `another markwright operation (pid ${holder.pid}) is changing ${this.dir}; wait for it to finish`,
            this.dir,
          );
        }
        rmSync(file, { force: true });
      }
    }
    throw new LockHeld(`cannot take the lock ${file}`, file);
  }
}

/** Who a lock file names; null for a file without a pid and start time (not ours: taken over). */
function lockHolder(file: string): { pid: number; start: string } | null {
  let text: string | null;
  try {
    text = readTextNoFollow(file);
  } catch {
    return null;
  }
  const m = /^(\d{1,10}) (\d{1,20})$/.exec(text?.trim() ?? '');
  return m ? { pid: Number(m[1]), start: m[2]! } : null;
}

/** Sortable, unique deployment id: UTC time to the millisecond plus random hex. */
export function newDeploymentId(now: Date): string {
  const t = now.toISOString().replace(/[-:.]/g, '').replace('T', '-').replace('Z', '');
  return `${t}-${Math.floor(Math.random() * 0xffff)
    .toString(16)
    .padStart(4, '0')}`;
}
