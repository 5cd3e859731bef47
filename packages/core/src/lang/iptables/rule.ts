import { InputError } from '../../bits/errors';
import type { Rule } from '../../ir/types';
import type { NormalizeResult } from '../language';
import { formatXtRule } from './format-rule';
import { parseXtRule } from './parse-rule';
import { tableRestriction } from './tables';
import { xtRuleToIr } from './to-ir';
import type { XtRule } from './xt-rule';

export interface IptablesRuleContext {
  readonly table: string;
  readonly family: 4 | 6;
}

function parseChecked(text: string, ctx: IptablesRuleContext): XtRule {
  const xt = parseXtRule(text, { family: ctx.family });
  const restriction = tableRestriction(xt, ctx.table);
  if (restriction) throw new InputError('-t', ctx.table, restriction);
  return xt;
}

/** One rule: the words after `-A CHAIN`, as iptables would read them in the given table and family. */
export function parseIptablesRule(argsAfterChain: string, context: IptablesRuleContext): Rule {
  return xtRuleToIr(parseChecked(argsAfterChain, context), { line: 1, text: argsAfterChain });
}

export type IptablesNormalizeResult = NormalizeResult;

/**
 * What iptables-save would print for a rule added with `iptables [-t TABLE] -A CHAIN <line>` (without the
 * `-A CHAIN ` prefix), or why iptables would refuse it. Table defaults to filter, family to 4.
 */
export function normalizeIptablesRule(
  line: string,
  options: { table?: string; family?: 4 | 6 } = {},
): IptablesNormalizeResult {
  try {
    const xt = parseChecked(line, { table: options.table ?? 'filter', family: options.family ?? 4 });
    return { ok: true, text: formatXtRule(xt) };
  } catch (e) {
    if (e instanceof InputError) return { ok: false, message: e.message };
    throw e;
  }
}
