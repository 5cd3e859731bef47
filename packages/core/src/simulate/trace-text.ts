import { hex8 } from '../bits/u32';
import type { PacketResult, PacketSpec, SimulationReport, StepLabels, TraceStep } from '../reports/types';

// The readable trace the command line prints: one row per step (hook, table/chain, rule, result, mark, ct mark).

const HEAD = ['hook', 'table/chain', 'rule', 'result', 'mark', 'ctmark'] as const;
const RULE_WIDTH = 60;

const clip = (text: string, width: number): string =>
  text.length <= width ? text : `${text.slice(0, width - 1)}…`;

function change(before: number, after: number): string {
  return before === after ? hex8(after) : `${hex8(before)}→${hex8(after)}`;
}

function row(step: TraceStep, ctmark: number): string[] {
  switch (step.kind) {
    case 'rule': {
      const result = step.matched ? (step.verdict ?? 'matched') : 'no match';
      return [
        step.hook,
        `${step.family} ${step.table}/${step.chain}`,
        step.rule + (step.note ? `  [${step.note}]` : ''),
        result,
        change(step.markBefore, step.markAfter),
        change(step.ctmarkBefore, step.ctmarkAfter),
      ];
    }
    case 'policy':
      return [
        '',
        `${step.family} ${step.table}/${step.chain}`,
        '(end of chain)',
        `policy ${step.verdict}`,
        hex8(step.mark),
        hex8(step.ctmark),
      ];
    case 'conntrack':
      return ['conntrack', '', `${step.direction} direction`, step.state, '', hex8(step.ctmark)];
    case 'route': {
      const why = step.rule ? `${step.rule.text}` : 'no ip rule matched';
      const where = step.route ? ` → ${step.route}` : '';
      return [
        `route (${step.reason})`,
        step.table ?? '',
        `${why}${where}`,
        step.oif ? `${step.result} via ${step.oif}` : step.result,
        hex8(step.mark),
        hex8(ctmark),
      ];
    }
    case 'tc':
      return [
        `tc egress`,
        step.dev,
        step.filter ?? 'no filter matched',
        step.classid ? `class ${step.classid}` : 'unclassified',
        hex8(step.mark),
        '',
      ];
    case 'secmark':
      return [
        'secmark',
        step.space === 'meta' ? 'packet' : 'conntrack',
        step.rule,
        `${step.before ?? '(none)'} → ${step.after ?? '(none)'}`,
        '',
        '',
      ];
  }
}

/** `packet/connection` labels after a step; `-` where none is set. */
function labelText(s: StepLabels): string {
  return `${s.secmark ?? '-'}/${s.ctsecmark ?? '-'}`;
}

function describePacket(spec: PacketSpec | undefined, index: number): string {
  if (!spec) return `packet ${index + 1}`;
  const from = spec.iif ? `in ${spec.iif}` : 'locally generated';
  const ports =
    spec.sport !== undefined || spec.dport !== undefined
      ? ` ${spec.sport ?? '*'} → ${spec.dport ?? '*'}`
      : '';
  return `packet ${index + 1}: ${spec.proto} ${spec.saddr} → ${spec.daddr}${ports}, ${from}, mark ${hex8(spec.mark ?? 0)}`;
}

function outcome(r: PacketResult): string {
  // A packet that went the wrong way for its connection is never shown as a plain accept.
  const wrong = r.flags && r.flags.length > 0 ? ' (WRONG WAY)' : '';
  const parts = [(r.verdict === 'accept' ? 'ACCEPT' : 'DROP') + wrong];
  if (r.destination) parts.push(r.destination);
  if (r.oif) parts.push(`oif ${r.oif}`);
  if (r.table) parts.push(`table ${r.table}`);
  parts.push(`mark ${hex8(r.mark)}`, `ctmark ${hex8(r.ctmark)}`);
  if (r.classid) parts.push(`class ${r.classid}`);
  if (r.secmark) parts.push(`secmark ${r.secmark}`);
  if (r.ctsecmark) parts.push(`ct secmark ${r.ctsecmark}`);
  return `=> ${parts.join(', ')}`;
}

/** Render a simulation as aligned text tables, one per packet, each ending with the outcome. */
export function formatTrace(report: SimulationReport, packets: readonly PacketSpec[] = []): string {
  const out: string[] = [];
  report.packets.forEach((r, i) => {
    out.push(describePacket(packets[i], i));
    let ctmark = 0;
    let labels = '-/-';
    // Labels get their own column, the packet's and its connection's after each step, when any is set.
    const labelled = r.steps.some((s) => s.kind === 'secmark');
    const rows = r.steps.map((s) => {
      if (s.kind === 'conntrack') ctmark = s.ctmark;
      if (s.kind === 'rule') ctmark = s.ctmarkAfter;
      if (s.kind === 'rule' || s.kind === 'policy' || s.kind === 'conntrack') labels = labelText(s);
      const cells = row(s, ctmark);
      return labelled ? [...cells, labels] : cells;
    });
    const head = labelled ? [...HEAD, 'label'] : [...HEAD];
    const table = [head, ...rows].map((cells) => cells.map((c, k) => (k === 2 ? clip(c, RULE_WIDTH) : c)));
    const widths = head.map((_, k) => Math.max(...table.map((cells) => cells[k]!.length)));
    for (const cells of table)
      out.push(`  ${cells.map((c, k) => c.padEnd(widths[k]!)).join('  ')}`.trimEnd());
    out.push(`  ${outcome(r)}`);
    if (r.unknownExprs)
      out.push(`  note: ${r.unknownExprs} expression(s) not modelled; see [..] on the rules`);
    for (const f of r.flags ?? []) out.push(`  !! ${f.code}: ${f.message}`);
    for (const n of r.notes ?? []) out.push(`  note: ${n}`);
    out.push('');
  });
  return `${out.join('\n')}\n`.replace(/\n\n$/, '\n');
}
