// What the deploy view says an action ended in, and the confirmation window it accepts.

import type { ApplyResult, DeploymentRecord } from '@markwright/core';

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

/** The confirmation window the UI offers (seconds); the API also takes 0, which means "no confirmation". */
const TIMEOUT_MIN = 1;
const TIMEOUT_MAX = 3600;

/** The typed confirmation timeout in seconds, or null when it is not one. */
export function confirmSeconds(text: string): number | null {
  const t = text.trim();
  const n = Number(t);
  return /^[0-9]{1,4}$/.test(t) && n >= TIMEOUT_MIN && n <= TIMEOUT_MAX ? n : null;
}

export function confirmSecondsProblem(text: string): string | null {
  return confirmSeconds(text) === null ? `"${text}" is not ${TIMEOUT_MIN} to ${TIMEOUT_MAX} seconds` : null;
}

export function appliedOutcome(result: ApplyResult): Outcome {
  const checked = checkedOutcome(result.deployment);
  if (checked) return checked;
  return result.confirmDeadline !== null
    ? { tone: 'info', state: 'pending', text: 'Applied: keep it before the countdown ends, or it is undone' }
    : { tone: 'ok', state: 'applied', text: `Applied (${result.deployment.outcome})` };
}

export function rolledBackOutcome(record: DeploymentRecord, to: string): Outcome {
  const checked = checkedOutcome(record);
  if (checked) return checked;
  return record.outcome === 'pending'
    ? {
        tone: 'info',
        state: 'pending',
        text: `Rolling back to ${to}: keep it before the countdown ends, or it is undone`,
      }
    : { tone: 'ok', state: 'rolled-back', text: `Rolled back to deployment ${to}` };
}

/** How a followed pending deployment stopped waiting, from its history record. */
export function settledOutcome(record: DeploymentRecord | undefined): Outcome {
  if (record?.outcome === 'reverted')
    return {
      tone: 'error',
      state: 'reverted',
      text: 'Reverted: the countdown ran out and the previous state is back',
    };
  if (record?.outcome === 'confirmed')
    return { tone: 'ok', state: 'kept', text: `Kept: deployment ${record.id} confirmed` };
  return { tone: 'info', state: 'other', text: `No longer pending (${record?.outcome ?? 'unknown'})` };
}
