import {
  explainMark,
  type FieldSpace,
  hex8,
  InputError,
  type Layout,
  type MarkExplanation,
  parseDocument,
  parseU32,
} from '@markwright/core';
import { flag, parseArgs } from '../args';
import { readJsonFile } from '../input-file';
import { type Command, EXIT } from '../io';

const USAGE = 'usage: markwright explain MARK [--doc FILE] [--space fwmark|connmark] [--json]';

function readable(e: MarkExplanation, docName: string | null): string {
  const lines = [`mark ${e.hex} in the ${e.space}${docName ? ` against document "${docName}"` : ''}`];
  if (e.bits.length === 0) lines.push('  no bits set');
  else {
    lines.push('', '  bit  mask        field               known consumers of this bit');
    for (const b of e.bits) {
      const field = b.field ?? (docName ? '(unassigned)' : '-');
      const users =
        b.consumers.length === 0 ? '-' : b.consumers.map((c) => `${c.consumer} (${c.meaning})`).join('; ');
      lines.push(`  ${String(b.bit).padStart(3)}  ${hex8(b.mask)}  ${field.padEnd(18)}  ${users}`);
    }
  }
  if (e.fields.length > 0) {
    lines.push('', 'fields:');
    for (const f of e.fields) {
      const note = f.defined ? '' : '  (not a value the field defines)';
      lines.push(`  ${f.field} = ${f.value}${typeof f.value === 'string' ? ` (${f.raw})` : ''}${note}`);
    }
  }
  lines.push('', `unassigned set bits: ${e.unassigned === 0 ? 'none' : hex8(e.unassigned)}`);
  if (e.consumerMarks.length > 0) {
    lines.push('', 'known marks this value carries:');
    for (const m of e.consumerMarks) {
      const vm = m.mask === 0xffffffff ? hex8(m.value) : `${hex8(m.value)}/${hex8(m.mask)}`;
      lines.push(`  ${m.consumer} ${m.name} ${vm}: ${m.meaning} [${m.source}]`);
    }
  }
  const sources = new Map<string, string>();
  for (const b of e.bits) for (const c of b.consumers) sources.set(c.consumer, c.source);
  if (sources.size > 0) {
    lines.push('', 'sources:');
    for (const [id, source] of sources) lines.push(`  ${id}: ${source}`);
  }
  return `${lines.join('\n')}\n`;
}

const explain: Command = async (io) => {
  const args = parseArgs(io.args, ['doc', 'space'], ['json']);
  if (args.positionals.length !== 1) {
    throw new InputError('MARK', args.positionals.join(' ') || null, `expected exactly one mark; ${USAGE}`);
  }
  const mark = parseU32(args.positionals[0]!, 'MARK');
  const spaceText = flag(args, 'space') ?? 'fwmark';
  if (spaceText !== 'fwmark' && spaceText !== 'connmark') {
    throw new InputError('--space', spaceText, 'must be fwmark or connmark');
  }
  const space: FieldSpace = spaceText;
  const docFile = flag(args, 'doc');
  let layout: Layout | undefined;
  let docName: string | null = null;
  if (docFile !== undefined) {
    const doc = parseDocument(readJsonFile(docFile));
    layout = doc.layout;
    docName = doc.name;
  }
  const explanation = explainMark(mark, layout ? { layout, space } : { space });
  io.stdout(json(args.switches.has('json'), explanation, docName));
  return EXIT.ok;
};

function json(asJson: boolean, e: MarkExplanation, docName: string | null): string {
  return asJson ? `${JSON.stringify({ document: docName, ...e }, null, 2)}\n` : readable(e, docName);
}

export default explain;
