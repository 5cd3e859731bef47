// One layout version to several targets, one at a time, stopping at the first failure. After each apply the box
// is reached again on a fresh session (a new SSH connection for a remote box) and must show the deployment live:
// a change that cut the way in stops the run there, and that box reverts by itself at its deadline. With
// --canary the first target is also confirmed, after that check, before any other target is touched. With
// --confirm-when-verified each target is checked live right after its apply and kept (verified) or reverted at
// once before the next is touched; the first disagreement stops the run (exit 3), as any failure does.

import type { DeployVerification } from '@markwright/core';
import { errorShapeOf, exitCodeOf, InputError } from '@markwright/core';
import { formatVerification } from '@markwright/core/confirm';
import { type ApplyResult, type DeployStatus, EnvironmentError } from '@markwright/host';
import type { ParsedArgs } from '../args';
import { type CommandIo, EXIT, type ExitCode } from '../io';
import { checkTargets, openVerbSession, targetsOf, type VerbRunner } from './verb-runner';

/** One line of `apply --json` with several targets. */
export interface TargetOutcome {
  readonly target: string;
  /**
   * `pending`: applied, awaiting confirm; `confirmed`: the canary; `verified`: checked live and kept
   * (--confirm-when-verified); `reverted-by-verification`: the box disagreed and the change was put back;
   * `failed`; `skipped`: after a failure.
   */
  readonly outcome: 'pending' | 'confirmed' | 'verified' | 'reverted-by-verification' | 'failed' | 'skipped';
  readonly deployment?: string;
  readonly confirmDeadline?: string | null;
  readonly error?: string;
  /** The live check of this target (--confirm-when-verified), with its disagreements. */
  readonly verification?: DeployVerification;
}

/** The box disagreed with the document on this target: it was reverted there, and the run stops (exit 3). */
class Disagreed extends Error {
  constructor(readonly outcome: TargetOutcome) {
    super(`${outcome.target}: the box did not do what the document says (reverted)`);
  }
}

/** `markwright apply DOC --target A --target B [--canary] --json`. */
export interface ApplyManyReport {
  readonly targets: TargetOutcome[];
  /** The target whose failure stopped the run, or null when every target was applied. */
  readonly stoppedAt: string | null;
}

async function withSession<T>(
  io: CommandIo,
  args: ParsedArgs,
  target: string,
  fn: (run: VerbRunner) => Promise<T>,
): Promise<T> {
  const session = openVerbSession(args, target, io);
  try {
    return await fn(session.run);
  } finally {
    await session.close();
  }
}

async function applyTarget(
  io: CommandIo,
  args: ParsedArgs,
  target: string,
  call: Record<string, unknown>,
  canary: boolean,
): Promise<TargetOutcome> {
  const result = await withSession(io, args, target, (run) => run<ApplyResult>({ verb: 'apply', ...call }));
  const id = result.deployment.id;
  const verification = result.verification;
  if (verification && !verification.ok) {
    throw new Disagreed({ target, outcome: 'reverted-by-verification', deployment: id, verification });
  }
  return withSession(io, args, target, async (run) => {
    const status = await run<DeployStatus>({ verb: 'status' });
    const live = status.pending?.id === id || (status.last?.id === id && status.liveMatchesLast);
    if (!live)
      throw new EnvironmentError(`${target}: reached again, but ${id} is not live there (${status.state})`);
    if (verification) {
      return { target, outcome: 'verified', deployment: id, confirmDeadline: null, verification };
    }
    if (canary) {
      await run({ verb: 'confirm' });
      return { target, outcome: 'confirmed', deployment: id, confirmDeadline: null };
    }
    return { target, outcome: 'pending', deployment: id, confirmDeadline: result.confirmDeadline ?? null };
  });
}

export async function applyToMany(
  io: CommandIo,
  args: ParsedArgs,
  confirmTimeout: number,
  documentCall: Record<string, unknown>,
): Promise<ExitCode> {
  const targets = targetsOf(args);
  checkTargets(targets);
  if (new Set(targets).size !== targets.length)
    throw new InputError('--target', targets.join(','), 'names a target twice');
  const verify = args.switches.has('confirm-when-verified');
  // Checked live, each target is kept before the next is touched: the canary's check is every target's.
  const canary = args.switches.has('canary') && !verify;
  if (canary && confirmTimeout === 0)
    throw new InputError(
      '--confirm-timeout',
      '0',
      'must be > 0 with --canary (the canary is checked before it is kept)',
    );
  const outcomes: TargetOutcome[] = [];
  let stoppedAt: string | null = null;
  let code: ExitCode = EXIT.ok;
  for (const [i, target] of targets.entries()) {
    if (stoppedAt) {
      outcomes.push({ target, outcome: 'skipped' });
      continue;
    }
    try {
      const outcome = await applyTarget(
        io,
        args,
        target,
        { ...documentCall, confirmTimeout, ...(verify ? { verify: true } : {}) },
        canary && i === 0,
      );
      outcomes.push(outcome);
      if (!args.switches.has('json'))
        io.stdout(
          `${target}: ${outcome.outcome} ${outcome.deployment}${outcome.confirmDeadline ? ` (confirm before ${outcome.confirmDeadline})` : ''}\n`,
        );
    } catch (error) {
      stoppedAt = target;
      if (error instanceof Disagreed) {
        code = EXIT.disagreed;
        outcomes.push(error.outcome);
        if (!args.switches.has('json')) {
          io.stdout(formatVerification(error.outcome.verification!));
          io.stderr(`markwright: ${error.message}\n`);
        }
        continue;
      }
      const shape = errorShapeOf(error);
      const message = shape.message;
      code = exitCodeOf(shape.kind);
      outcomes.push({ target, outcome: 'failed', error: message });
      if (!args.switches.has('json')) io.stderr(`markwright: ${target}: ${message}\n`);
    }
  }
  const report: ApplyManyReport = { targets: outcomes, stoppedAt };
  if (args.switches.has('json')) io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  else if (stoppedAt)
    io.stdout(
      `stopped at ${stoppedAt}; not applied: ${
        outcomes
          .filter((o) => o.outcome === 'skipped')
          .map((o) => o.target)
          .join(', ') || 'none'
      }\n`,
    );
  else if (!verify && (!canary || targets.length > 1))
    io.stdout(`confirm each with: markwright confirm --target T (before its deadline)\n`);
  return code;
}
