import { readFileSync } from 'node:fs';
import {
  type DecodedMarks,
  InputError,
  isSshTargetText,
  type Layout,
  type LiveTraceStep,
  type RuleOwner,
  type TracedPacket,
  type TraceReport,
} from '@markwright/core';
import { EnvironmentError, liveTrace, openRunner, parseTarget, readDocument } from '@markwright/host';
import { flag, type ParsedArgs, parseArgs } from '../args';
import { type Command, type CommandIo, EXIT, type ExitCode } from '../io';
import { openVerbSession } from './verb-runner';

const USAGE =
  'usage: markwright trace --target T --match EXPR [--count N] [--seconds S] [--doc FILE] [--json]';

function positive(text: string | undefined, field: string, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^\d{1,6}$/.test(text) || Number(text) < 1)
    throw new InputError(field, text, 'must be a whole number >= 1');
  return Number(text);
}

function layoutOf(file: string | undefined): Layout | undefined {
  if (file === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError('--doc', file, `cannot be read: ${(error as Error).message}`);
  }
  return readDocument(text, file).layout;
}

const hex = (n: number) => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;

export const ownerText = (o: RuleOwner | undefined): string =>
  !o
    ? ''
    : o.kind === 'markwright'
      ? `markwright${o.rule ? ` '${o.rule}'` : ''}`
      : o.kind === 'consumer'
        ? o.consumer
        : 'foreign';

const fieldsText = (f: DecodedMarks | undefined, which: 'mark' | 'ctmark'): string => {
  const list = f?.[which] ?? [];
  return list.length ? ` (${list.map((d) => `${d.field}=${d.value}`).join(' ')})` : '';
};

function stepText(s: LiveTraceStep): string {
  if (s.kind === 'rule') {
    const marks = `mark ${hex(s.markAfter)}${fieldsText(s.fields, 'mark')} ct ${hex(s.ctmarkAfter)}${fieldsText(s.fields, 'ctmark')}`;
    return `  ${s.hook.padEnd(11)} ${s.family} ${s.table} ${s.chain}  [${ownerText(s.owner)}]  ${s.rule}${s.verdict ? `  -> ${s.verdict}` : ''}\n      ${marks}${s.note ? `  (${s.note})` : ''}\n`;
  }
  if (s.kind === 'policy') {
    return `  ${s.hook.padEnd(11)} ${s.family} ${s.table} ${s.chain}  policy ${s.verdict}  mark ${hex(s.mark)}${fieldsText(s.fields, 'mark')}\n`;
  }
  return '';
}

export function packetText(p: TracedPacket): string {
  const k = p.packet;
  const where = [k.iif ? `iif ${k.iif}` : null, k.oif ? `oif ${k.oif}` : null].filter(Boolean).join(' ');
  const head = `packet ${p.id} at ${p.startedAt}: ${k.proto ?? '?'} ${k.saddr ?? '?'}${k.sport !== null ? `:${k.sport}` : ''} -> ${k.daddr ?? '?'}${k.dport !== null ? `:${k.dport}` : ''} ${where}\n`;
  return `${head}${p.steps.map(stepText).join('')}  => ${p.verdict}, mark ${hex(p.mark)}${fieldsText(p.fields, 'mark')}, ct mark ${hex(p.ctmark)}${fieldsText(p.fields, 'ctmark')}\n`;
}

/** Live trace of matching packets; ends after --count packets, --seconds, or on SIGINT/SIGTERM (the rule goes either way). */
const traceCommand: Command = async (io) => {
  const args = parseArgs(
    io.args,
    ['target', 'match', 'count', 'seconds', 'doc', 'ssh-config', 'state-dir', 'root-dir'],
    ['json'],
  );
  if (args.positionals.length)
    throw new InputError(args.positionals[0]!, args.positionals[0], `is not an option (${USAGE})`);
  if (isSshTargetText(flag(args, 'target'))) return remoteTrace(io, args);
  const target = parseTarget(flag(args, 'target'));
  const match = flag(args, 'match');
  if (match === undefined) throw new InputError('--match', null, `is required (${USAGE})`);
  const count = args.flags.has('count') ? positive(flag(args, 'count'), '--count', 1) : undefined;
  const seconds = positive(flag(args, 'seconds'), '--seconds', 30);
  const layout = layoutOf(flag(args, 'doc'));
  const json = args.switches.has('json');
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    if (process.getuid?.() !== 0) {
      throw new EnvironmentError(
        `markwright ${'trace'} reads the kernel's trace and connection tables: run it as root`,
      );
    }
    const runner = await openRunner(target);
    const report = await liveTrace(runner, {
      match,
      count,
      seconds,
      layout,
      signal: stop.signal,
      onArmed: (table) => {
        if (!json)
          io.stderr(`tracing ${match} on ${flag(args, 'target')} (table inet ${table}); Ctrl-C ends\n`);
      },
      onPacket: (p) => {
        if (!json) io.stdout(packetText(p));
      },
    });
    if (json) io.stdout(`${JSON.stringify(report, null, 2)}\n`);
    else if (report.packets.length === 0) io.stdout('no matching packet seen\n');
    return EXIT.ok;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
};

/** The trace run by the box's own helper over SSH: the first matching packet, printed when it is seen. */
async function remoteTrace(io: CommandIo, args: ParsedArgs): Promise<ExitCode> {
  const match = flag(args, 'match');
  if (match === undefined) throw new InputError('--match', null, `is required (${USAGE})`);
  if (args.flags.has('count') && flag(args, 'count') !== '1')
    throw new InputError('--count', flag(args, 'count'), 'must be 1 with an ssh: target');
  const seconds = positive(flag(args, 'seconds'), '--seconds', 30);
  const docFile = flag(args, 'doc');
  const session = openVerbSession(args, flag(args, 'target')!, io);
  try {
    const report = await session.run<TraceReport>({
      verb: 'trace',
      match,
      seconds: Math.min(seconds, 120),
      ...(docFile === undefined ? {} : { document: readFileSync(docFile, 'utf8'), documentPath: docFile }),
    });
    if (args.switches.has('json')) io.stdout(`${JSON.stringify(report, null, 2)}\n`);
    else if (report.packets.length === 0) io.stdout('no matching packet seen\n');
    else for (const p of report.packets) io.stdout(packetText(p));
    return EXIT.ok;
  } finally {
    await session.close();
  }
}

export default traceCommand;
