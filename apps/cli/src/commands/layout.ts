import {
  type CheckReport,
  checkReport,
  type Field,
  hex8,
  InputError,
  type MarkwrightDocument,
} from '@markwright/core';
import { bitUsage, type RuleBitUsage } from '@markwright/core/analyze';
import { parseRulesetAuto } from '@markwright/core/lang';
import { parseArgs } from '../args';
import { readJsonFile, readTextFile } from '../input-file';
import { type Command, EXIT } from '../io';

const USAGE = 'usage: markwright layout check FILE [--host-rules FILE ...] [--json]';

/** Bit usage of every rule in an iptables-save, nft text or `nft -j list ruleset` file; errors name the file. */
function rulesetUsage(file: string): RuleBitUsage[] {
  const text = readTextFile(file);
  try {
    return bitUsage(parseRulesetAuto(text).ruleset);
  } catch (error) {
    throw error instanceof InputError ? error.within(file) : error;
  }
}

function describeField(f: Field): string {
  const last = (f.offset ?? 0) + (f.width ?? 1) - 1;
  const place =
    f.offset === undefined ? 'by mask' : f.offset === last ? `bit ${last}` : `bits ${f.offset}-${last}`;
  const values =
    f.kind === 'enum'
      ? ` {${Object.entries(f.values ?? {})
          .map(([k, v]) => `${k}=${v}`)
          .join(', ')}}`
      : f.kind === 'int' && (f.min !== undefined || f.max !== undefined)
        ? ` ${f.min ?? 0}..${f.max ?? 'max'}`
        : '';
  const attrs = [f.persist && 'persist', f.newOnly && 'newOnly'].filter(Boolean).join(' ');
  return `  ${f.name.padEnd(16)} ${f.space.padEnd(8)} ${hex8(f.mask)}  ${place.padEnd(10)} ${f.kind}${values}${attrs ? `  ${attrs}` : ''}`;
}

function readable(file: string, doc: MarkwrightDocument | null, report: CheckReport): string {
  const lines: string[] = [];
  if (!doc) {
    lines.push(`${file}: invalid, ${report.errors.length} error(s)`);
    for (const e of report.errors) lines.push(`  ${e.field}: ${e.message}`);
    return `${lines.join('\n')}\n`;
  }
  const p = doc.policy;
  lines.push(
    `${file}: valid document "${doc.name}" (${doc.layout.fields.length} fields, ${p.rules.length} rules, ` +
      `${p.routes.length} routes, ${p.classes.length} classes)`,
    '',
    'fields:',
    ...doc.layout.fields.map(describeField),
    '',
  );
  if (report.conflicts.length === 0) {
    lines.push('conflicts: none');
  } else {
    lines.push(`conflicts (${report.conflicts.length}; they do not make the document invalid):`);
    for (const c of report.conflicts) {
      lines.push(`  ${c.field}: ${c.severity} with ${c.consumer} [${c.source}] on bits ${c.bits}`);
      if (c.detail) lines.push(`      ${c.detail}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

const layout: Command = async (io) => {
  const [sub, ...rest] = io.args;
  if (sub !== 'check') {
    throw new InputError('layout', sub ?? null, `unknown subcommand; ${USAGE}`);
  }
  const args = parseArgs(rest, ['host-rules'], ['json']);
  if (args.positionals.length !== 1) {
    throw new InputError(
      'FILE',
      args.positionals.join(' ') || null,
      `expected exactly one document file; ${USAGE}`,
    );
  }
  const file = args.positionals[0]!;
  const json = args.switches.has('json');
  const hostFiles = args.flags.get('host-rules') ?? [];

  // Host rule files are read first, so a broken one is reported whatever the document holds.
  const hostUsage = hostFiles.flatMap(rulesetUsage);
  let report: CheckReport;
  let doc: MarkwrightDocument | null = null;
  try {
    const { document, ...checked } = checkReport(readJsonFile(file), hostUsage);
    doc = document;
    report = checked;
  } catch (error) {
    if (!(error instanceof InputError) || !json) throw error;
    const message = error.message.slice(error.field.length + 2);
    report = { valid: false, errors: [{ field: error.field, message }], conflicts: [] };
  }

  io.stdout(json ? `${JSON.stringify(report, null, 2)}\n` : readable(file, doc, report));
  return report.valid ? EXIT.ok : EXIT.badInput;
};

export default layout;
