// The status line and the calls in flight: every data module runs its API calls through `run`, which turns a
// failure into one line on the status bar and keeps "working…" on screen while any call is out.

import { DataStore } from '../data-store';
import { describeError } from '../errors';

export type StatusTone = 'info' | 'ok' | 'error';

export interface Status {
  readonly tone: StatusTone;
  readonly text: string;
}

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
    this.inFlight++;
    this.notify();
    try {
      return await call();
    } catch (error) {
      this.setStatus('error', `${what}: ${describeError(error)}`);
      return undefined;
    } finally {
      this.inFlight--;
      this.notify();
    }
  }
}
