import { resolve } from 'node:path';
import { InputError, type UninstallResult } from '@markwright/core';
import { formatVerification } from '@markwright/core/confirm';
import {
  type ApplyResult,
  type DeploymentRecord,
  type DeployStatus,
  formatChanges,
  ownershipFor,
  type PlanReport,
} from '@markwright/host';
import { flag, type ParsedArgs, parseArgs } from '../args';
import { readTextFile } from '../input-file';
import { type Command, type CommandIo, EXIT, type ExitCode } from '../io';
import { applyToMany } from './apply-many';
import { openVerbSession, singleTarget, targetsOf, type VerbRunner } from './verb-runner';

const COMMON = ['target', 'state-dir', 'root-dir', 'rule-priorities', 'ssh-config'];

/**
 * Run a deploy verb. Failures are thrown as typed errors (bad input, not found, lock held, not authorised, a
 * tool refused) and reported by the command line's one failure path with their exit code.
 */
function verb(
  valued: readonly string[],
  body: (io: CommandIo, args: ParsedArgs, run: VerbRunner) => Promise<ExitCode>,
  { switches = [], multi = false }: { switches?: readonly string[]; multi?: boolean } = {},
): Command {
  return async (io) => {
    const args = parseArgs(io.args, [...COMMON, ...valued], ['json', ...switches]);
    const session = multi ? null : openVerbSession(args, singleTarget(args), io);
    try {
      return await body(io, args, session?.run ?? noRunner);
    } finally {
      await session?.close();
    }
  };
}

const noRunner: VerbRunner = () => Promise.reject(new Error('no single target'));

/** The document as data for the verb: read here, parsed and compiled again where the verb runs. */
function documentCall(args: ParsedArgs) {
  const file = args.positionals[0];
  if (!file) throw new InputError('DOC', file, 'a document file is required');
  const rulePriorities = flag(args, 'rule-priorities');
  ownershipFor(rulePriorities, '--rule-priorities');
  const text = readTextFile(file);
  return {
    document: text,
    documentPath: resolve(file),
    ...(rulePriorities === undefined ? {} : { rulePriorities }),
  };
}

const json = (io: CommandIo, value: unknown) => io.stdout(`${JSON.stringify(value, null, 2)}\n`);

function describeRecord(d: DeploymentRecord): string {
  const restored = d.restored ? `; ${d.restored}` : '';
  return `${d.id}  ${d.outcome.padEnd(11)} ${d.appliedAt}  ${d.documentName}${d.message ? `  (${d.message}${restored})` : ''}`;
}

export const plan = verb([], async (io, args, run) => {
  const report = await run<PlanReport>({ verb: 'plan', ...documentCall(args) });
  const problems = report.problems ?? [];
  if (args.switches.has('json')) json(io, report);
  else {
    io.stdout(formatChanges(report.changes));
    io.stdout(report.check.ok ? 'nft -c: ok\n' : `nft -c: rejected\n${report.check.message}\n`);
    for (const note of report.notes ?? []) io.stdout(`note: ${note}\n`);
    for (const p of problems)
      io.stdout(`cannot apply (${p.part}): ${p.field}: ${p.message} (got ${JSON.stringify(p.value)})\n`);
    for (const f of report.lint ?? []) io.stdout(`lint ${f.severity} ${f.code} ${f.path}: ${f.message}\n`);
  }
  // A document the box cannot take is an input error; a kernel lacking a capability is the environment's.
  // nft -c fails on a label no LSM knows; that is the secmark problem already reported, not the document's.
  const nftExplained = problems.some((p) => p.part === 'secmark');
  if ((!report.check.ok && !nftExplained) || problems.some((p) => p.kind === 'document'))
    return EXIT.badInput;
  return problems.length > 0 ? EXIT.environment : EXIT.ok;
});

function confirmTimeoutOf(args: ParsedArgs): number {
  const timeoutText = flag(args, 'confirm-timeout') ?? '60';
  if (!/^\d{1,5}$/.test(timeoutText) || Number(timeoutText) > 86_400)
    throw new InputError('--confirm-timeout', timeoutText, 'must be whole seconds 0..86400');
  return Number(timeoutText);
}

const VERIFIED = 'confirm-when-verified';

/** The live check's lines (text mode) and the exit code it means: 3 when the box disagreed and it was reverted. */
function reportCheck(io: CommandIo, verification: DeploymentRecord['verification'], json: boolean): ExitCode {
  if (!verification) return EXIT.ok;
  if (!json) {
    io.stdout(formatVerification(verification));
    if (!verification.ok) io.stdout('reverted: the box did not do what the document says\n');
  }
  return verification.ok ? EXIT.ok : EXIT.disagreed;
}

async function applyOne(io: CommandIo, args: ParsedArgs): Promise<ExitCode> {
  const session = openVerbSession(args, singleTarget(args), io);
  try {
    return await applyWith(io, args, session.run);
  } finally {
    await session.close();
  }
}

export const apply = verb(
  ['confirm-timeout'],
  async (io, args) => {
    if (targetsOf(args).length > 1 || args.switches.has('canary')) {
      return applyToMany(io, args, confirmTimeoutOf(args), documentCall(args));
    }
    return applyOne(io, args);
  },
  { switches: ['canary', VERIFIED], multi: true },
);

async function applyWith(io: CommandIo, args: ParsedArgs, run: VerbRunner): Promise<ExitCode> {
  const result = await run<ApplyResult>({
    verb: 'apply',
    ...documentCall(args),
    confirmTimeout: confirmTimeoutOf(args),
    ...(args.switches.has(VERIFIED) ? { verify: true } : {}),
  });
  const asJson = args.switches.has('json');
  if (asJson) json(io, result);
  else {
    io.stdout(`applied ${result.deployment.id} to ${result.deployment.target}\n`);
    if (result.deployment.outcome === 'verified')
      io.stdout(`verified ${result.deployment.id}; persisted for reboot\n`);
    if (result.confirmDeadline) {
      io.stdout(
        `run "markwright confirm --target ${result.deployment.target}" before ${result.confirmDeadline} or it is reverted\n`,
      );
    }
  }
  return reportCheck(io, result.verification, asJson);
}

export const confirm = verb([], async (io, args, run) => {
  const record = await run<DeploymentRecord>({ verb: 'confirm' });
  if (args.switches.has('json')) json(io, record);
  else io.stdout(`confirmed ${record.id}; persisted for reboot\n`);
  return EXIT.ok;
});

export const rollback = verb(
  ['to'],
  async (io, args, run) => {
    const to = flag(args, 'to');
    const record = await run<DeploymentRecord>({
      verb: 'rollback',
      ...(to === undefined ? {} : { to }),
      ...(args.switches.has(VERIFIED) ? { verify: true } : {}),
    });
    const asJson = args.switches.has('json');
    if (asJson) json(io, record);
    else io.stdout(`${record.message}: now ${record.id}\n`);
    return reportCheck(io, record.verification, asJson);
  },
  { switches: [VERIFIED] },
);

export const status = verb([], async (io, args, run) => {
  const report = await run<DeployStatus>({ verb: 'status' });
  if (args.switches.has('json')) json(io, report);
  else {
    io.stdout(`${report.target}: ${report.state}\n`);
    if (report.pending)
      io.stdout(`awaiting confirmation of ${report.pending.id}: ${report.pending.secondsLeft} s left\n`);
    if (report.last) io.stdout(`last: ${describeRecord(report.last)}\n`);
    if (report.newest) io.stdout(`newest: ${describeRecord(report.newest)}\n`);
  }
  return EXIT.ok;
});

export const history = verb([], async (io, args, run) => {
  const records = await run<DeploymentRecord[]>({ verb: 'history' });
  if (args.switches.has('json')) json(io, records);
  else io.stdout(records.length ? `${records.map(describeRecord).join('\n')}\n` : 'no deployments\n');
  return EXIT.ok;
});

export const uninstall = verb([], async (io, args, run) => {
  await run({ verb: 'uninstall' });
  const result: UninstallResult = { removed: true };
  if (args.switches.has('json')) json(io, result);
  else io.stdout('removed table inet markwright, our ip rules and tc filters, and the restore files\n');
  return EXIT.ok;
});
