import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { EnvironmentError } from '../exec/errors';
import { targetKey } from '../exec/target';
import type { DeploymentRecord, OwnedState, Target } from '../types';
import { readJson, removeFile, writeJsonAtomic } from './atomic-file';

export const DEFAULT_STATE_DIR = '/var/lib/markwright';

/** The step in flight, written before the kernel is touched, so an interrupted step can be undone. */
export interface Journal {
  readonly op: 'apply' | 'revert' | 'rollback' | 'uninstall';
  readonly deploymentId: string | null;
  readonly pid: number;
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

/** Per-target state: deployments/<id>.json, journal.json, pending.json and the lock. */
export class StateStore {
  readonly dir: string;

  constructor(
    root: string,
    readonly target: Target,
  ) {
    this.dir = join(root, targetKey(target));
  }

  ensure(): void {
    try {
      mkdirSync(join(this.dir, 'deployments'), { recursive: true, mode: 0o700 });
    } catch (error) {
      throw new EnvironmentError(
        `cannot create state dir ${this.dir}: ${(error as Error).message} (use --state-dir)`,
      );
    }
  }

  private path(name: string): string {
    return join(this.dir, name);
  }

  saveDeployment(record: DeploymentRecord): void {
    writeJsonAtomic(join(this.dir, 'deployments', `${record.id}.json`), record);
  }

  deployment(id: string): DeploymentRecord | null {
    if (!/^[0-9A-Za-z-]{1,64}$/.test(id)) return null;
    return readJson<DeploymentRecord>(join(this.dir, 'deployments', `${id}.json`));
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

  /** Every deployment, oldest first (ids sort by time). */
  deployments(): DeploymentRecord[] {
    return this.ids().flatMap((id) => this.deployment(id) ?? []);
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
      if (record && (record.outcome === 'confirmed' || record.outcome === 'pending')) return record;
    }
    return null;
  }

  journal(): Journal | null {
    return readJson<Journal>(this.path('journal.json'));
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
    return readJson<Pending>(this.path('pending.json'));
  }
  writePending(p: Pending): void {
    writeJsonAtomic(this.path('pending.json'), p, false);
  }
  clearPending(): void {
    removeFile(this.path('pending.json'));
  }

  /**
   * Take the per-target lock (a file holding our pid, created exclusively). A lock left by a dead process is
   * taken over; one held by a live process is an environment error.
   */
  lock(): () => void {
    this.ensure();
    const file = this.path('lock');
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const fd = openSync(file, 'wx', 0o600);
        writeSync(fd, String(process.pid));
        closeSync(fd);
        return () => {
          try {
            if (readFileSync(file, 'utf8') === String(process.pid)) rmSync(file, { force: true });
          } catch {}
        };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const holder = Number(readFileSync(file, 'utf8').trim() || '0');
        if (holder && holder !== process.pid && isAlive(holder)) {
          throw new EnvironmentError(
            `another markwright operation (pid ${holder}) is changing ${this.dir}; wait for it to finish`,
          );
        }
        rmSync(file, { force: true });
      }
    }
    throw new EnvironmentError(`cannot take the lock ${file}`);
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Sortable, unique deployment id: UTC time to the millisecond plus random hex. */
export function newDeploymentId(now: Date): string {
  const t = now.toISOString().replace(/[-:.]/g, '').replace('T', '-').replace('Z', '');
  return `${t}-${Math.floor(Math.random() * 0xffff)
    .toString(16)
    .padStart(4, '0')}`;
}
