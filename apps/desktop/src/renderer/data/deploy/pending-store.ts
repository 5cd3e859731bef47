// Every deployment waiting for Keep, on every target the app deployed to: read once when the app starts (so a
// countdown that outlived the window is shown again), then each second while one waits and every few seconds
// otherwise. The banner on every view renders this; Keep and Revert now act on one target.

import type { KeepWrites, MarkwrightApi, PendingDeployment } from '@markwright/api';
import type { ActivityStore } from '../activity/activity-store';
import { DataStore } from '../data-store';

/** How a followed deployment stopped waiting, as the host's history says. */
export type SettledListener = (target: string, id: string) => void;

export class PendingStore extends DataStore {
  list: readonly PendingDeployment[] = [];
  /** What Keep writes, per target with a pending deployment (read once per target). */
  readonly writes = new Map<string, KeepWrites>();
  /** Why Keep or Revert now failed, per target, until the next try on it. */
  readonly errors = new Map<string, string>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private polling = false;
  /** A read was asked for while one was out: its answer may predate the change, so read again. */
  private again = false;
  private stopped = true;
  private readonly listeners = new Set<SettledListener>();
  /** When each target was last kept or reverted here, counted in actions. */
  private readonly actedAt = new Map<string, number>();
  private actions = 0;

  constructor(
    private readonly api: MarkwrightApi,
    private readonly activity: ActivityStore,
    private readonly busyMs = 1000,
    private readonly idleMs = 10_000,
  ) {
    super();
  }

  /** Starts reading (idempotent). */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.refresh();
  }

  dispose(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  onSettled(listener: SettledListener): void {
    this.listeners.add(listener);
  }

  of(target: string | null): PendingDeployment | null {
    return this.list.find((p) => p.target === target) ?? null;
  }

  /** Reads the list now (after an apply, Keep or revert) and schedules the next read. */
  async refresh(): Promise<void> {
    if (this.polling) {
      this.again = true;
      return;
    }
    this.polling = true;
    this.again = false;
    clearTimeout(this.timer);
    try {
      const started = this.actions;
      const read = await this.api.pendingDeployments();
      // A read that started before a Keep or revert on a target may still list it: trust the action.
      const list = read.filter((p) => (this.actedAt.get(p.target) ?? 0) <= started);
      const before = this.list;
      this.list = list;
      for (const gone of before.filter((p) => !list.some((q) => q.id === p.id && q.target === p.target))) {
        for (const listener of this.listeners) listener(gone.target, gone.id);
      }
      for (const p of list) void this.readWrites(p.target);
      this.notify();
    } catch {
      // A failed read is tried again on the next tick; the last list stays on screen.
    } finally {
      this.polling = false;
      const wait = this.again ? 0 : this.list.length ? this.busyMs : this.idleMs;
      if (!this.stopped) this.timer = setTimeout(() => void this.refresh(), wait);
    }
  }

  async keep(target: string): Promise<boolean> {
    const done = await this.act(target, 'Confirming', () => this.api.confirm({ target }));
    return done;
  }

  async revertNow(target: string): Promise<boolean> {
    return this.act(target, 'Reverting', () => this.api.rollback({ target }));
  }

  private async act(target: string, what: string, call: () => Promise<unknown>): Promise<boolean> {
    const result = await this.activity.attempt(what, call);
    if (result.ok) {
      this.errors.delete(target);
      // Kept or reverted: nothing waits there now, whatever a read already under way still says.
      this.list = this.list.filter((p) => p.target !== target);
      this.actedAt.set(target, ++this.actions);
    } else this.errors.set(target, `${what}: ${result.message}`);
    this.notify();
    if (result.ok) await this.refresh();
    return result.ok;
  }

  /** Reads what Keep writes on `target` unless it is known (before an apply that keeps by itself, too). */
  async readWrites(target: string): Promise<void> {
    if (this.writes.has(target)) return;
    const result = await this.activity.attempt('Reading what Keep writes', () =>
      this.api.keepWrites({ target }),
    );
    if (!result.ok) return;
    this.writes.set(target, result.value);
    this.notify();
  }
}

/** "Keep writes A, B and enables U": said before Keep is pressed. */
export function keepWritesText(writes: KeepWrites | undefined): string {
  if (!writes) return 'Keep makes the deployment permanent and writes its boot files.';
  return `Keep writes ${writes.files.join(', ')}, the unit ${writes.unit} and enables it (${writes.enables}).`;
}
