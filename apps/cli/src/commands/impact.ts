import { readFileSync } from 'node:fs';
import { type ImpactChange, type ImpactReport, InputError, isSshTargetText } from '@markwright/core';
import {
  DEFAULT_OWNERSHIP,
  EnvironmentError,
  liveImpact,
  openRunner,
  parseConntrackListing,
  parseTarget,
  readDocument,
} from '@markwright/host';
import { flag, type ParsedArgs, parseArgs } from '../args';
import { type Command, type CommandIo, EXIT, type ExitCode } from '../io';
import { openVerbSession } from './verb-runner';

const USAGE = 'usage: markwright impact DOC --target T [--conntrack FILE] [--json]';

function readText(file: string, field: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError(field, file, `cannot be read: ${(error as Error).message}`);
  }
}

const hex = (n: number) => `0x${(n >>> 0).toString(16)}`;

function changeText(c: ImpactChange): string {
  const f = c.flow;
  const flow = `${f.proto} ${f.saddr}${f.sport !== null ? `:${f.sport}` : ''} -> ${f.daddr}${f.dport !== null ? `:${f.dport}` : ''}`;
  const side = (o: ImpactChange['before']) =>
    `${o.verdict} oif ${o.oif ?? '-'} table ${o.table ?? '-'} mark ${hex(o.mark)} ct ${hex(o.ctmark)}${o.class ? ` class ${o.class}` : ''}`;
  return `  ${c.breaks ? 'BREAKS ' : ''}${flow}\n    before: ${side(c.before)}\n    after:  ${side(c.after)}\n`;
}

function printImpact(io: CommandIo, args: ParsedArgs, report: ImpactReport): ExitCode {
  if (args.switches.has('json')) {
    io.stdout(`${JSON.stringify(report)}\n`);
    return EXIT.ok;
  }
  const lines = [`${report.changed.length} of ${report.connections} connections would change\n`];
  for (const g of report.groups ?? []) {
    lines.push(`${g.summary}\n`);
    for (const c of report.changed.filter((x) => x.rule === g.rule).slice(0, 20)) lines.push(changeText(c));
  }
  io.stdout(lines.join(''));
  return EXIT.ok;
}

/** Which live connections a document would change; exit 0 whether or not anything changes. */
const impactCommand: Command = async (io) => {
  const args = parseArgs(io.args, ['target', 'conntrack', 'ssh-config', 'state-dir', 'root-dir'], ['json']);
  const file = args.positionals[0];
  if (!file) throw new InputError('DOC', file, `a document file is required (${USAGE})`);
  const text = readText(file, 'DOC');
  const doc = readDocument(text, file);
  if (isSshTargetText(flag(args, 'target'))) {
    if (args.flags.has('conntrack'))
      throw new InputError(
        '--conntrack',
        flag(args, 'conntrack'),
        'reads a saved listing here; an ssh: target lists its own',
      );
    const session = openVerbSession(args, flag(args, 'target')!, io);
    try {
      return printImpact(
        io,
        args,
        await session.run<ImpactReport>({ verb: 'impact', document: text, documentPath: file }),
      );
    } finally {
      await session.close();
    }
  }
  const target = parseTarget(flag(args, 'target'));
  const saved = flag(args, 'conntrack');
  const connections =
    saved === undefined ? undefined : parseConntrackListing(readText(saved, '--conntrack')).connections;
  if (process.getuid?.() !== 0) {
    throw new EnvironmentError(
      `markwright ${'impact'} reads the kernel's trace and connection tables: run it as root`,
    );
  }
  const runner = await openRunner(target);
  const report = await liveImpact(runner, doc, DEFAULT_OWNERSHIP, { connections });
  return printImpact(io, args, report);
};

export default impactCommand;
