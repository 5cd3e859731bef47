// Follows a pending deployment: asks the backend for the target's status once a second and keeps the seconds
// left until the automatic revert, so the view can show the countdown and notice when the revert happened.

import type { DeployStatus } from '@markwright/core';
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export interface CountdownSource {
  status(target: string): Promise<DeployStatus>;
}

export class CountdownController implements ReactiveController {
  /** The last status read, while following a target. */
  status: DeployStatus | null = null;
  secondsLeft: number | null = null;
  private target: string | null = null;
  private timer: ReturnType<typeof setInterval> | undefined;
  private polling = false;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly source: () => CountdownSource | undefined,
    /** Called once when a followed pending deployment is no longer pending. */
    private readonly onSettled: (status: DeployStatus) => void,
    private readonly intervalMs = 1000,
  ) {
    host.addController(this);
  }

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
    this.host.requestUpdate();
  }

  get active(): boolean {
    return this.target !== null;
  }

  private async poll(): Promise<void> {
    const src = this.source();
    const target = this.target;
    if (!src || !target || this.polling) return;
    this.polling = true;
    try {
      const status = await src.status(target);
      if (this.target !== target) return;
      this.status = status;
      if (status.pending) {
        this.secondsLeft = Math.max(0, Math.ceil(status.pending.secondsLeft));
        this.host.requestUpdate();
      } else {
        this.stop();
        this.onSettled(status);
      }
    } catch {
      // A failed poll is retried on the next tick; the view keeps the last count.
    } finally {
      this.polling = false;
    }
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
