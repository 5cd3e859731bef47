import { InputError } from '../bits/errors';
import type { PolicyHook, PolicyRule } from '../document/types';
import type { Match, Rule, RuleExpr } from '../ir/types';
import type { Layout } from '../layout/types';
import { encodeBySpace, fieldMatches, fieldWrites } from './field-bits';
import { compilePacketMatch, type Flavour } from './packet-match';
import { objectAt } from './shape';

export const POLICY_HOOKS: readonly PolicyHook[] = ['prerouting', 'output', 'forward', 'postrouting'];

/** nft keeps at most 128 bytes of rule comment; the name travels as the comment so listings show it. */
const COMMENT_MAX = 128;

/** One policy rule compiled for one address family slot: the rules and the hook they run at. */
export interface CompiledPolicyRule {
  readonly hook: PolicyHook;
  /** The family the rule's addresses or protocol imply, or null when it applies to both. */
  readonly family: 4 | 6 | null;
  /** Matches shared by every rule below (without the l3proto restriction, which the caller adds). */
  readonly matches: readonly Match[];
  /** Mark writes for every packet, and those for new connections only (fields marked newOnly). */
  readonly always: readonly RuleExpr[];
  readonly newOnly: readonly RuleExpr[];
  readonly comment: string;
}

export function policyHookOf(rule: PolicyRule, path: string): PolicyHook {
  const hook = rule.hook ?? 'prerouting';
  if (!POLICY_HOOKS.includes(hook)) {
    throw new InputError(`${path}.hook`, rule.hook, `expected one of ${POLICY_HOOKS.join(', ')}`);
  }
  return hook;
}

function utf8Length(text: string): number {
  let n = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    n += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return n;
}

function checkName(name: unknown, path: string): string {
  if (typeof name !== 'string' || name.trim() === '')
    throw new InputError(`${path}.name`, name, 'a rule needs a name');
  if (utf8Length(name) > COMMENT_MAX) {
    throw new InputError(
      `${path}.name`,
      name,
      `must be at most ${COMMENT_MAX} bytes (it becomes the rule comment)`,
    );
  }
  if (/["\\\n\r]/.test(name)) {
    throw new InputError(`${path}.name`, name, 'must not contain quotes, backslashes or line breaks');
  }
  return name;
}

/** Compile a policy rule's selector and field writes; `path` is `policy.rules[i]`. */
export function compilePolicyRule(
  layout: Layout,
  rule: PolicyRule,
  flavour: Flavour,
  path: string,
): CompiledPolicyRule {
  const comment = checkName(rule.name, path);
  const hook = policyHookOf(rule, path);
  const selector = compilePacketMatch(rule.match ?? {}, hook, flavour, `${path}.match`);
  const matches = [...selector.matches];
  if (rule.match?.fields !== undefined) {
    const at = `${path}.match.fields`;
    matches.push(...fieldMatches(layout, objectAt(rule.match.fields, at, 'field values'), at));
  }
  const set = rule.set ?? {};
  if (Object.keys(set).length === 0 && rule.secmark === undefined)
    throw new InputError(`${path}.set`, rule.set, 'must set at least one field or a label');
  const toStatements = (newOnly: boolean): RuleExpr[] =>
    fieldWrites(encodeBySpace(layout, set, `${path}.set`, (f) => f.newOnly === newOnly)).map((write) => ({
      kind: 'markWrite',
      write,
    }));
  return {
    hook,
    family: selector.family,
    matches,
    always: toStatements(false),
    newOnly: toStatements(true),
    comment,
  };
}

const NEW_CONNECTION: Match = { kind: 'ctstate', states: ['new'], invert: false };

/**
 * The IR rules for a compiled policy rule. `l3` restricts a family-neutral rule to one family (nft inet table
 * compiled for one family only). iptables allows one target per rule, so each write becomes its own rule there.
 */
export function policyRulesFor(compiled: CompiledPolicyRule, flavour: Flavour, l3: 4 | 6 | null): Rule[] {
  // iptables tables are per family already; an nft inet table needs `meta nfproto` to serve one family.
  const head: Match[] =
    flavour === 'nft' && l3 !== null && compiled.family === null
      ? [{ kind: 'l3proto', family: l3, invert: false }]
      : [];
  const out: Rule[] = [];
  const emit = (extra: readonly Match[], writes: readonly RuleExpr[]): void => {
    if (writes.length === 0) return;
    const groups = flavour === 'iptables' ? writes.map((w) => [w]) : [writes];
    for (const group of groups) {
      out.push({ exprs: [...head, ...compiled.matches, ...extra, ...group], comment: compiled.comment });
    }
  };
  emit([], compiled.always);
  emit([NEW_CONNECTION], compiled.newOnly);
  return out;
}
