import {
  InputError,
  isSshTargetText,
  type ProbeReport,
  type Suggestion,
  suggestForProbe,
} from '@markwright/core';
import {
  DEFAULT_OWNERSHIP,
  EnvironmentError,
  openRunner,
  parseTarget,
  probe,
  ToolError,
} from '@markwright/host';
import { flag, parseArgs } from '../args';
import { type Command, EXIT } from '../io';
import { probeOverSsh } from './verb-runner';

const USAGE =
  'usage: markwright suggest --target local|netns:NAME|ssh:[user@]host[:port] [--width N] [--band N] [--json]';

const count = (text: string | undefined, name: string, max: number, fallback: number): number => {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > max) throw new InputError(`--${name}`, text, `must be 1..${max}`);
  return n;
};

function readable(target: string, report: ProbeReport, s: Suggestion): string {
  const runs = (list: Suggestion['fwmark']) =>
    list.length === 0
      ? 'none free'
      : list.map((r) => `bits ${r.offset}-${r.offset + r.width - 1} (${r.mask})`).join(', ');
  const lines = [
    `${target}: ${report.consumers.length ? `detected ${report.consumers.map((c) => c.consumer).join(', ')}` : 'no known consumer detected'}`,
    `  free fwmark:    ${runs(s.fwmark)}`,
    `  free connmark:  ${runs(s.connmark)}`,
    `  free in both (a persisted field): ${runs(s.persisted)}`,
    `  ip rule priorities: ${s.priorities ? `${s.priorities.from}-${s.priorities.to}` : 'no free band of that size'}`,
    `  routing tables: ${s.tables.join(', ') || 'none free'}`,
  ];
  if (s.takenBy.length)
    lines.push('taken by detected software:', ...s.takenBy.map((t) => `  ${t.consumer}: ${t.what}`));
  const hazards = report.hazards ?? [];
  if (hazards.length) {
    lines.push('hazards (they undo a deployment):');
    for (const h of hazards) lines.push(`  ${h.what}`, `    fix: ${h.fix}`, `    seen: ${h.evidence}`);
  }
  return `${lines.join('\n')}\n`;
}

/** `suggest --target T`: free bits, a free ip rule priority band and free tables, given everything detected. */
const suggestCommand: Command = async (io) => {
  const args = parseArgs(
    io.args,
    ['target', 'width', 'band', 'root-dir', 'ssh-config', 'state-dir'],
    ['json'],
  );
  if (args.positionals.length)
    throw new InputError('suggest', args.positionals.join(' '), `takes no file; ${USAGE}`);
  const targetText = flag(args, 'target');
  // A box over SSH is probed by its own helper (--root-dir then names the box's folder, as for the deploy verbs).
  const remote = isSshTargetText(targetText);
  const target = remote ? null : parseTarget(targetText);
  const width = count(flag(args, 'width'), 'width', 32, 1);
  const band = count(flag(args, 'band'), 'band', 1000, 10);
  try {
    const report: ProbeReport =
      target === null
        ? await probeOverSsh<ProbeReport>(args, targetText!, io)
        : await probe(await openRunner(target), DEFAULT_OWNERSHIP, {
            rootDir: flag(args, 'root-dir') ?? '/',
          });
    const out = suggestForProbe(report, {
      width,
      band,
      preferredPriorities: DEFAULT_OWNERSHIP.ipRulePriorities,
    });
    io.stdout(
      args.switches.has('json') ? `${JSON.stringify(out, null, 2)}\n` : readable(report.target, report, out),
    );
    return EXIT.ok;
  } catch (error) {
    if (error instanceof EnvironmentError || error instanceof ToolError) {
      io.stderr(`markwright: ${error.message}\n`);
      return EXIT.environment;
    }
    throw error;
  }
};

export default suggestCommand;
