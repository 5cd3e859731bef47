// What the deploy view says an action ended in.

import type { DeploymentRecord } from '@markwright/core';

/** What the last deploy action ended in; `state` is for tests and assistive tech to tell outcomes apart. */
export interface Outcome {
  readonly tone: 'ok' | 'error' | 'info';
  readonly state:
    | 'pending'
    | 'applied'
    | 'kept'
    | 'verified'
    | 'reverted'
    | 'rolled-back'
    | 'uninstalled'
    | 'other';
  readonly text: string;
}

/** What the live check after a change made of it, or null when it was not checked. */
export function checkedOutcome(record: DeploymentRecord): Outcome | null {
  if (record.outcome === 'verified') {
    return {
      tone: 'ok',
      state: 'verified',
      text: `Verified and kept: the box does what the document says (${record.id})`,
    };
  }
  if (record.outcome === 'reverted-by-verification') {
    const n = record.verification?.disagreements.length ?? 0;
    return {
      tone: 'error',
      state: 'reverted',
      text: `Reverted: the box did not do what the document says (${n} disagreement${n === 1 ? '' : 's'})`,
    };
  }
  return null;
}
