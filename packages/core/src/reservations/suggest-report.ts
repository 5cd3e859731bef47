import type { MarkwrightDocument } from '../document/types';
import type { DetectedConsumer, Hazard, ProbeReport } from '../reports/deploy';
import { type BoxUsage, type Suggestion, type SuggestOptions, suggest } from './suggest';

/** What `markwright suggest --json` prints and the designer's Suggest button shows. */
export interface SuggestReport extends Suggestion {
  readonly target: string;
  /** Known consumers probe detected on the target. */
  readonly consumers: readonly DetectedConsumer[];
  /** What on the target would undo a deployment, with the fixes. */
  readonly hazards: readonly Hazard[];
}

/** What the probed box takes: its rules' bits, ip rule priorities, tables, and the consumers seen there. */
export function usageOf(report: ProbeReport): BoxUsage {
  const tables = new Set<number>();
  for (const r of report.box.routes) if (/^\d+$/.test(r.table)) tables.add(Number(r.table));
  for (const r of report.box.ipRules)
    if (r.action.kind === 'table' && /^\d+$/.test(r.action.table)) tables.add(Number(r.action.table));
  return {
    fwmark: Number.parseInt(report.bitsInUse.fwmark, 16),
    ctmark: Number.parseInt(report.bitsInUse.ctmark, 16),
    rulePriorities: [...new Set(report.box.ipRules.map((r) => r.priority))],
    tables: [...tables],
    consumers: report.consumers.map((c) => c.consumer),
  };
}

/**
 * The box's usage plus a document's own fields (a persisted fwmark field in the ct mark too), route priorities and
 * tables: what a new field or route in that document must also stay clear of.
 */
export function withDocument(usage: BoxUsage, doc: MarkwrightDocument): BoxUsage {
  let fwmark = usage.fwmark;
  let ctmark = usage.ctmark;
  for (const f of doc.layout.fields) {
    if (f.space === 'fwmark') fwmark = (fwmark | f.mask) >>> 0;
    if (f.space === 'connmark' || f.persist) ctmark = (ctmark | f.mask) >>> 0;
  }
  return {
    ...usage,
    fwmark,
    ctmark,
    rulePriorities: [...usage.rulePriorities, ...doc.policy.routes.map((r) => r.priority)],
    tables: [...usage.tables, ...doc.policy.routes.map((r) => r.table)],
  };
}

/** Free bits, priorities and tables on a probed box (and beside a document's own, when given). */
export function suggestForProbe(
  report: ProbeReport,
  options: SuggestOptions & { readonly document?: MarkwrightDocument } = {},
): SuggestReport {
  const box = usageOf(report);
  const usage = options.document ? withDocument(box, options.document) : box;
  return {
    target: report.target,
    ...suggest(usage, options),
    consumers: report.consumers,
    hazards: report.hazards ?? [],
  };
}
