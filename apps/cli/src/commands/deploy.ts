import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { InputError } from '@markwright/core';
import {
  apply as applyDeployment,
  confirm as confirmDeployment,
  DEFAULT_OWNERSHIP,
  type DeployContext,
  type DeploymentRecord,
  status as deployStatus,
  EnvironmentError,
  formatChanges,
  history as listHistory,
  type Ownership,
  openSession,
  ownedStateFromDocument,
  parseTarget,
  plan as planDeployment,
  readDocument,
  rollback as rollbackDeployment,
  ToolError,
  uninstall as uninstallAll,
} from '@markwright/host';
import { flag, type ParsedArgs, parseArgs } from '../args';
import { type Command, type CommandIo, EXIT, type ExitCode } from '../io';

const COMMON = ['target', 'state-dir', 'root-dir'];

/** Run a deploy verb: environment problems (missing tool, no root, lock held, tool refusal) exit 2. */
function verb(
  valued: readonly string[],
  body: (io: CommandIo, args: ParsedArgs, open: () => Promise<DeployContext>) => Promise<ExitCode>,
): Command {
  return async (io) => {
    const args = parseArgs(io.args, [...COMMON, ...valued], ['json']);
    const target = parseTarget(flag(args, 'target'));
    const open = () =>
      openSession({ target, stateDir: flag(args, 'state-dir'), rootDir: flag(args, 'root-dir') });
    try {
      return await body(io, args, open);
    } catch (error) {
      if (error instanceof EnvironmentError || error instanceof ToolError) {
        io.stderr(`markwright: ${error.message}\n`);
        return EXIT.environment;
      }
      throw error;
    }
  };
}

/**
 * `--rule-priorities LO-HI`: where this document's ip rules may sit (default 10000-10999). Our rules are known
 * by their protocol tag, so the range only guards against taking priorities other software relies on.
 */
function ownershipFor(args: ParsedArgs): Ownership {
  const text = flag(args, 'rule-priorities');
  if (text === undefined) return DEFAULT_OWNERSHIP;
  const m = /^(\d{1,5})-(\d{1,5})$/.exec(text);
  const lo = Number(m?.[1]);
  const hi = Number(m?.[2]);
  if (!m || lo < 1 || hi > 32765 || lo > hi) {
    throw new InputError('--rule-priorities', text, 'must be LO-HI with 1 <= LO <= HI <= 32765');
  }
  return { ...DEFAULT_OWNERSHIP, ipRulePriorities: [lo, hi] };
}

function readDoc(args: ParsedArgs) {
  const file = args.positionals[0];
  if (!file) throw new InputError('DOC', file, 'a document file is required');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError('DOC', file, `cannot be read: ${(error as Error).message}`);
  }
  const doc = readDocument(text, file);
  return {
    doc,
    path: resolve(file),
    name: doc.name || basename(file),
    wanted: ownedStateFromDocument(doc, ownershipFor(args)),
  };
}

const json = (io: CommandIo, value: unknown) => io.stdout(`${JSON.stringify(value, null, 2)}\n`);

function describeRecord(d: DeploymentRecord): string {
  return `${d.id}  ${d.outcome.padEnd(11)} ${d.appliedAt}  ${d.documentName}${d.message ? `  (${d.message})` : ''}`;
}

export const plan = verb(['rule-priorities'], async (io, args, open) => {
  const { path, wanted } = readDoc(args);
  const ctx = await open();
  const report = await planDeployment(ctx.runner, ctx.ownership, {
    wanted,
    document: path,
    known: ctx.store.current()?.state ?? null,
  });
  if (args.switches.has('json')) json(io, report);
  else {
    io.stdout(formatChanges(report.changes));
    io.stdout(report.check.ok ? 'nft -c: ok\n' : `nft -c: rejected\n${report.check.message}\n`);
  }
  return report.check.ok ? EXIT.ok : EXIT.badInput;
});

export const apply = verb(['confirm-timeout', 'rule-priorities'], async (io, args, open) => {
  const { path, name, wanted } = readDoc(args);
  const timeoutText = flag(args, 'confirm-timeout') ?? '60';
  if (!/^\d{1,5}$/.test(timeoutText))
    throw new InputError('--confirm-timeout', timeoutText, 'must be whole seconds');
  const ctx = await open();
  const result = await applyDeployment(ctx, {
    wanted,
    document: path,
    documentName: name,
    confirmTimeout: Number(timeoutText),
  });
  if (args.switches.has('json')) json(io, result);
  else {
    io.stdout(`applied ${result.deployment.id} to ${result.deployment.target}\n`);
    if (result.confirmDeadline) {
      io.stdout(
        `run "markwright confirm --target ${result.deployment.target}" before ${result.confirmDeadline} or it is reverted\n`,
      );
    }
  }
  return EXIT.ok;
});

export const confirm = verb([], async (io, args, open) => {
  const record = await confirmDeployment(await open());
  if (args.switches.has('json')) json(io, record);
  else io.stdout(`confirmed ${record.id}; persisted for reboot\n`);
  return EXIT.ok;
});

export const rollback = verb(['to'], async (io, args, open) => {
  const record = await rollbackDeployment(await open(), flag(args, 'to'));
  if (args.switches.has('json')) json(io, record);
  else io.stdout(`${record.message}: now ${record.id}\n`);
  return EXIT.ok;
});

export const status = verb([], async (io, args, open) => {
  const report = await deployStatus(await open());
  if (args.switches.has('json')) json(io, report);
  else {
    io.stdout(`${report.target}: ${report.state}\n`);
    if (report.pending)
      io.stdout(`awaiting confirmation of ${report.pending.id}: ${report.pending.secondsLeft} s left\n`);
    if (report.last) io.stdout(`last: ${describeRecord(report.last)}\n`);
  }
  return EXIT.ok;
});

export const history = verb([], async (io, args, open) => {
  const records = listHistory(await open());
  if (args.switches.has('json')) json(io, records);
  else io.stdout(records.length ? `${records.map(describeRecord).join('\n')}\n` : 'no deployments\n');
  return EXIT.ok;
});

export const uninstall = verb([], async (io, args, open) => {
  await uninstallAll(await open());
  if (args.switches.has('json')) json(io, { removed: true });
  else io.stdout('removed table inet markwright, our ip rules and tc filters, and the restore files\n');
  return EXIT.ok;
});
