import { bitsRead, bitsWritten, overwritesWholeMark } from '../bits/algebra';
import type { MarkSpace } from '../bits/algebra-types';
import { hex, U32_MAX, u32 } from '../bits/u32';
import type { IpRule, MapKey, Rule, RuleExpr, Ruleset, Table, TcFilter } from '../ir/types';
import { xtMarkEffect } from '../ir/xt-extension';
import { ruleText } from '../lang/rule-text';
import type { BitsInUse, RuleBitUsage } from './types';

interface Accumulator {
  reads: { fwmark: number; ctmark: number };
  writes: { fwmark: number; ctmark: number };
  wholeMarkWrite: { fwmark: boolean; ctmark: boolean };
  uncertain: boolean;
  /** The xt extension seen only by name, when the bits are assumed. */
  xtOnly?: string;
}

const slot = (space: MarkSpace): 'fwmark' | 'ctmark' => (space === 'meta' ? 'fwmark' : 'ctmark');

function empty(): Accumulator {
  return {
    reads: { fwmark: 0, ctmark: 0 },
    writes: { fwmark: 0, ctmark: 0 },
    wholeMarkWrite: { fwmark: false, ctmark: false },
    uncertain: false,
  };
}

function readKey(acc: Accumulator, key: MapKey): void {
  if (key.kind === 'mark') acc.reads[slot(key.key.space)] |= key.key.mask;
}

function addExpr(acc: Accumulator, expr: RuleExpr): void {
  switch (expr.kind) {
    case 'mark':
      acc.reads[slot(expr.key.space)] |= expr.key.mask;
      return;
    case 'markWrite': {
      const { write } = expr;
      const read = bitsRead(write);
      acc.reads.fwmark |= read.meta;
      acc.reads.ctmark |= read.ct;
      acc.writes[slot(write.dst)] |= bitsWritten(write);
      if (overwritesWholeMark(write)) acc.wholeMarkWrite[slot(write.dst)] = true;
      return;
    }
    case 'markMap':
      // The looked-up value replaces the whole destination mark.
      readKey(acc, expr.key);
      acc.writes[slot(expr.dst)] = U32_MAX;
      acc.wholeMarkWrite[slot(expr.dst)] = true;
      return;
    case 'vmap':
      readKey(acc, expr.key);
      return;
    case 'opaque': {
      if (expr.readsMark || expr.writesMark) acc.uncertain = true;
      // An xt mark extension seen only by name in nft JSON: assume it reads and writes whole marks.
      const xt = xtMarkEffect(expr);
      if (!xt) return;
      if (xt.reads.fwmark) acc.reads.fwmark = U32_MAX;
      if (xt.reads.ctmark) acc.reads.ctmark = U32_MAX;
      if (xt.writes.fwmark) acc.writes.fwmark = U32_MAX;
      if (xt.writes.ctmark) acc.writes.ctmark = U32_MAX;
      acc.wholeMarkWrite.fwmark ||= xt.writes.fwmark;
      acc.wholeMarkWrite.ctmark ||= xt.writes.ctmark;
      acc.xtOnly = `xt ${xt.type} ${xt.name}`;
      return;
    }
    default:
      return;
  }
}

function finish(where: string, rule: string, acc: Accumulator): RuleBitUsage {
  return {
    where,
    rule,
    reads: { fwmark: u32(acc.reads.fwmark), ctmark: u32(acc.reads.ctmark) },
    writes: { fwmark: u32(acc.writes.fwmark), ctmark: u32(acc.writes.ctmark) },
    wholeMarkWrite: { ...acc.wholeMarkWrite },
    uncertain: acc.uncertain,
    ...(acc.xtOnly && {
      note:
        `${acc.xtOnly} is an iptables-nft extension whose options nft JSON does not show: assumed to use the ` +
        'whole mark; give --host-rules an iptables-save of the same box for the exact bits',
    }),
  };
}

/** Mark bits one netfilter rule reads and writes; `table` picks the syntax the rule is shown in. */
export function ruleBitUsage(rule: Rule, where: string, table?: Table): RuleBitUsage {
  const acc = empty();
  for (const expr of rule.exprs) addExpr(acc, expr);
  return finish(where, ruleText(rule, table), acc);
}

/**
 * Bit usage of every rule in every chain of the ruleset, in table/chain/rule order. `where` is
 * `FAMILY TABLE CHAIN #N` with N counted from 1 within the chain (iptables-save and nft list order).
 */
export function bitUsage(ruleset: Ruleset): RuleBitUsage[] {
  const out: RuleBitUsage[] = [];
  for (const table of ruleset.tables) {
    for (const chain of table.chains) {
      chain.rules.forEach((rule, i) => {
        out.push(ruleBitUsage(rule, `${table.family} ${table.name} ${chain.name} #${i + 1}`, table));
      });
    }
  }
  return out;
}

function describeIpRule(rule: IpRule): string {
  const parts: string[] = [];
  if (rule.not) parts.push('not');
  parts.push('from', rule.from ? `${rule.from.address}/${rule.from.prefix}` : 'all');
  if (rule.to) parts.push('to', `${rule.to.address}/${rule.to.prefix}`);
  if (rule.fwmark) {
    const { value, mask } = rule.fwmark;
    parts.push('fwmark', mask === U32_MAX ? hex(value) : `${hex(value)}/${hex(mask)}`);
  }
  if (rule.iif) parts.push('iif', rule.iif);
  if (rule.oif) parts.push('oif', rule.oif);
  const action = rule.action;
  if (action.kind === 'table') parts.push('lookup', action.table);
  else if (action.kind === 'goto') parts.push('goto', String(action.priority));
  else parts.push(action.kind);
  if (rule.suppressPrefixlength !== undefined)
    parts.push('suppress_prefixlength', String(rule.suppressPrefixlength));
  if (rule.protocol !== undefined) parts.push('proto', rule.protocol);
  return parts.join(' ');
}

/** Policy routing rules read only the fwmark, through their `fwmark v/m` selector. */
export function ipRuleBitUsage(rules: readonly IpRule[]): RuleBitUsage[] {
  return rules.map((rule) => {
    const acc = empty();
    if (rule.fwmark) acc.reads.fwmark = rule.fwmark.mask;
    const where = `${rule.family === 6 ? 'ip -6' : 'ip'} rule ${rule.priority}`;
    return finish(where, describeIpRule(rule), acc);
  });
}

function describeTcFilter(filter: TcFilter): string {
  const c = filter.classifier;
  const head = `dev ${filter.dev} parent ${filter.parent} protocol ${filter.protocol} pref ${filter.priority}`;
  const body =
    c.kind === 'fw'
      ? `handle ${hex(c.handle)}/${hex(c.mask)} fw`
      : c.kind === 'u32-mark'
        ? `u32 match mark ${hex(c.value)} ${hex(c.mask)}`
        : c.text;
  return `${head} ${body}${filter.classid ? ` classid ${filter.classid}` : ''}`;
}

/** tc filters read the fwmark (`fw` handles and `u32 match mark`); tc cannot write it except through actions. */
export function tcBitUsage(filters: readonly TcFilter[]): RuleBitUsage[] {
  return filters.map((filter) => {
    const acc = empty();
    const c = filter.classifier;
    if (c.kind === 'fw' || c.kind === 'u32-mark') acc.reads.fwmark = c.mask;
    // An unmodelled classifier or action (skbedit mark, u32 on mark, bpf) may touch the mark.
    else acc.uncertain = /\bmark\b|\bbpf\b|skbedit/.test(c.text);
    const where = `tc ${filter.dev} ${filter.parent} pref ${filter.priority}`;
    return finish(where, describeTcFilter(filter), acc);
  });
}

/** Union of the bits a set of rules reads, writes, or may replace wholesale. */
export function bitsInUse(usages: readonly RuleBitUsage[]): BitsInUse {
  const acc = empty();
  for (const u of usages) {
    acc.reads.fwmark |= u.reads.fwmark;
    acc.reads.ctmark |= u.reads.ctmark;
    acc.writes.fwmark |= u.writes.fwmark;
    acc.writes.ctmark |= u.writes.ctmark;
    acc.wholeMarkWrite.fwmark ||= u.wholeMarkWrite.fwmark;
    acc.wholeMarkWrite.ctmark ||= u.wholeMarkWrite.ctmark;
    acc.uncertain ||= u.uncertain;
  }
  return {
    reads: { fwmark: u32(acc.reads.fwmark), ctmark: u32(acc.reads.ctmark) },
    writes: { fwmark: u32(acc.writes.fwmark), ctmark: u32(acc.writes.ctmark) },
    any: {
      fwmark: u32(acc.reads.fwmark | acc.writes.fwmark),
      ctmark: u32(acc.reads.ctmark | acc.writes.ctmark),
    },
    wholeMarkWrite: acc.wholeMarkWrite,
    uncertain: acc.uncertain,
  };
}
