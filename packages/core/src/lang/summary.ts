import type { Rule, RuleExpr, Ruleset } from '../ir/types';
import { parseIptablesSave } from './iptables/save';
import type { ParseOptions } from './language';
import { resolveBoxFileKind } from './registry';

// What `markwright parse` prints about a ruleset file: counts per table and of the rules that touch marks.
// An iptables-save file is counted as it is read (every rule still parsed and checked), so a 50,000-rule
// file never has all its rules' IR held at once; other kinds are parsed whole and counted.

export interface TableSummary {
  readonly family: string;
  readonly name: string;
  readonly origin: string;
  readonly chains: number;
  readonly rules: number;
}

export interface RulesetSummary {
  readonly tables: readonly TableSummary[];
  /** Rules with at least one expression that reads or writes a mark (or a secmark). */
  readonly markRules: number;
  /** Expressions carried as written (not modelled), and how many of them may read or write marks. */
  readonly opaque: number;
  readonly opaqueMark: number;
}

const MARK_KINDS = new Set(['mark', 'markWrite', 'markMap', 'secmark', 'secmarkSet', 'secmarkCopy']);

function touchesMarks(e: RuleExpr): boolean {
  if (MARK_KINDS.has(e.kind)) return true;
  if (e.kind === 'opaque') return e.readsMark || e.writesMark;
  if (e.kind === 'vmap') return e.key.kind === 'mark';
  return false;
}

/** Counts rules as they are given. */
class RuleCounter {
  markRules = 0;
  opaque = 0;
  opaqueMark = 0;
  add(r: Rule): void {
    if (r.exprs.some(touchesMarks)) this.markRules++;
    for (const e of r.exprs) {
      if (e.kind !== 'opaque') continue;
      this.opaque++;
      if (e.readsMark || e.writesMark) this.opaqueMark++;
    }
  }
}

/** The summary of a ruleset already read. */
export function summarizeRuleset(rs: Ruleset): RulesetSummary {
  const counter = new RuleCounter();
  const tables = rs.tables.map((t) => {
    let rules = 0;
    for (const c of t.chains) {
      rules += c.rules.length;
      for (const r of c.rules) counter.add(r);
    }
    return { family: t.family, name: t.name, origin: t.origin, chains: t.chains.length, rules };
  });
  return { tables, markRules: counter.markRules, opaque: counter.opaque, opaqueMark: counter.opaqueMark };
}

/** The summary of a ruleset file of any kind parseRulesetFile reads (detected when not given). */
export function summarizeRulesetFile(
  text: string,
  options: ParseOptions & { readonly kind?: string } = {},
): RulesetSummary {
  const found = resolveBoxFileKind(text, 'ruleset', options);
  if (found.kind.name !== 'iptables') {
    return summarizeRuleset(found.language.parse(text, found.kind, options).ruleset!);
  }
  const counter = new RuleCounter();
  const perTable = new Map<string, number>();
  const rs = parseIptablesSave(text, {
    ...(options.source !== undefined && { source: options.source }),
    ...(options.family !== undefined && { family: options.family }),
    onRule: (rule, table) => {
      counter.add(rule);
      perTable.set(table, (perTable.get(table) ?? 0) + 1);
    },
  });
  const tables = rs.tables.map((t) => ({
    family: t.family,
    name: t.name,
    origin: t.origin,
    chains: t.chains.length,
    rules: perTable.get(t.name) ?? 0,
  }));
  return { tables, markRules: counter.markRules, opaque: counter.opaque, opaqueMark: counter.opaqueMark };
}
