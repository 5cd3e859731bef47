// Follows a pending deployment: asks the backend for the target's status once a second and keeps the seconds
// left until the automatic revert, so the countdown can be shown and the revert noticed. It lives in the deploy
// data module, so it keeps following while another view is shown.

import type { DeployStatus } from '@markwright/core';

export type StatusSource = (target: string) => Promise<DeployStatus>;

export class PendingWatch {
  /** The last status read, while following a target. */
  status: DeployStatus | null = null;
  secondsLeft: number | null = null;
  private target: string | null = null;
  private timer: ReturnType<typeof setInterval> | undefined;
  private polling = false;

  constructor(
    private readonly source: StatusSource,
    /** Called after every change of the count (and when following stops). */
    private readonly onChange: () => void,
    /** Called once when a followed pending deployment is no longer pending. */
    private readonly onSettled: (status: DeployStatus) => void,
    private readonly intervalMs = 1000,
  ) {}

  follow(target: string): void {
    this.stop();
    this.target = target;
    void this.poll();
    this.timer = setInterval(() => void this.poll(), this.intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.target = null;
    this.secondsLeft = null;
    this.onChange();
  }

  get active(): boolean {
    return this.target !== null;
  }

  private async poll(): Promise<void> {
    const target = this.target;
    if (!target || this.polling) return;
    this.polling = true;
    try {
      const status = await this.source(target);
      if (this.target !== target) return;
      this.status = status;
      if (status.pending) {
        this.secondsLeft = Math.max(0, Math.ceil(status.pending.secondsLeft));
        this.onChange();
      } else {
        this.stop();
        this.onSettled(status);
      }
    } catch {
      // A failed poll is retried on the next tick; the last count stays on screen.
    } finally {
      this.polling = false;
    }
  }
}
