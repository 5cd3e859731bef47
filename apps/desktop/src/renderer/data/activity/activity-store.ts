// The status line and the calls in flight: every data module runs its API calls through `run`, which turns a
// failure into one line on the status bar and keeps "working…" on screen while any call is out.

import { DataStore } from '../data-store';
import { describeError } from '../errors';

export type StatusTone = 'info' | 'ok' | 'error';

export interface Status {
  readonly tone: StatusTone;
  readonly text: string;
}

/** An API call's outcome: its value, or its failure as one line. */
export type Attempt<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly message: string };

export class ActivityStore extends DataStore {
  status: Status | null = null;
  private inFlight = 0;

  get busy(): boolean {
    return this.inFlight > 0;
  }

  setStatus(tone: StatusTone, text: string): void {
    this.status = { tone, text };
    this.notify();
  }

  /** A success message is stale once the user edits again; errors and notes stay until replaced. */
  clearSuccess(): void {
    if (this.status?.tone !== 'ok') return;
    this.status = null;
    this.notify();
  }

  /** Runs an API call, turning its failure into the status line (and rethrowing nothing). */
  async run<T>(what: string, call: () => Promise<T>): Promise<T | undefined> {
    const result = await this.attempt(what, call);
    return result.ok ? result.value : undefined;
  }

  /**
   * Like `run`, and also hands the failure's message back, so the view can show it next to what caused it
   * (the status line only echoes it).
   */
  async attempt<T>(what: string, call: () => Promise<T>): Promise<Attempt<T>> {
    this.inFlight++;
    this.notify();
    try {
      return { ok: true, value: await call() };
    } catch (error) {
      const message = describeError(error);
      this.setStatus('error', `${what}: ${message}`);
      return { ok: false, message };
    } finally {
      this.inFlight--;
      this.notify();
    }
  }
}
