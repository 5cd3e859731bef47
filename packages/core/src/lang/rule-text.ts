import type { Rule, Table } from '../ir/types';
import { describeRule } from './describe-rule';
import { emitIptablesRule } from './iptables/print-rule';
import { emitNftRule } from './nft/print-rule';

/**
 * A rule in its own syntax, for traces and reports: the text a parser kept, else what iptables-save (xtables
 * tables) or `nft list` would print, else (IR neither emitter can print, such as nft-only constructs in an
 * xtables table) a plain description that still names every expression.
 */
export function ruleText(rule: Rule, table?: Pick<Table, 'origin' | 'family'>): string {
  if (rule.source?.text) return rule.source.text;
  try {
    if (table?.origin === 'iptables' && (table.family === 'ip' || table.family === 'ip6')) {
      return emitIptablesRule(rule, { family: table.family === 'ip' ? 4 : 6 });
    }
    return emitNftRule(rule);
  } catch {
    return describeRule(rule);
  }
}
