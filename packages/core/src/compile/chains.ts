import { bitsWritten } from '../bits/algebra';
import type { PolicyHook } from '../document/types';
import type { BaseChainSpec, Rule } from '../ir/types';
import type { Flavour } from './packet-match';
import { restoreRules, saveRules } from './persist';
import type { CompiledPolicyRule } from './policy-rules';
import { policyRulesFor } from './policy-rules';

/** nft's `mangle` priority (NF_IP_PRI_MANGLE): after conntrack (-200), before dnat (-100). */
export const MANGLE_PRIORITY = -150;

/**
 * The base chain each policy hook runs in. Output is a `route` chain: only those re-route a locally generated
 * packet whose mark changed (nft_chain_route.c), as iptables' mangle OUTPUT does.
 */
export function baseChainFor(hook: PolicyHook): BaseChainSpec {
  return { type: hook === 'output' ? 'route' : 'filter', hook, priority: MANGLE_PRIORITY, policy: 'accept' };
}

/** Hooks that get a chain: prerouting and output always (they carry restore), forward/postrouting when used. */
export function hooksInUse(compiled: readonly CompiledPolicyRule[]): PolicyHook[] {
  const used = new Set(compiled.map((c) => c.hook));
  return (['prerouting', 'output', 'forward', 'postrouting'] as const).filter(
    (hook) => hook === 'prerouting' || hook === 'output' || used.has(hook),
  );
}

function writesAny(rules: readonly Rule[], mask: number): boolean {
  return rules.some((r) =>
    r.exprs.some(
      (e) => e.kind === 'markWrite' && e.write.dst === 'meta' && (bitsWritten(e.write) & mask) !== 0,
    ),
  );
}

/**
 * The rules of one hook's chain, in order: restore persisted bits on known connections (entry hooks only), the
 * policy rules in document order (a later rule setting the same field wins), then save persisted bits on new
 * connections. `family` is the address family this chain serves (null: both, as in an inet table with both).
 */
export function chainRules(
  hook: PolicyHook,
  compiled: readonly CompiledPolicyRule[],
  persist: number,
  flavour: Flavour,
  family: 4 | 6 | null,
): Rule[] {
  const policy = compiled
    .filter((c) => c.hook === hook && (family === null || c.family === null || c.family === family))
    .flatMap((c) => policyRulesFor(c, flavour, family));
  const entry = hook === 'prerouting' || hook === 'output';
  const save = entry || writesAny(policy, persist);
  return [
    ...(entry ? restoreRules(persist, flavour) : []),
    ...policy,
    ...(save ? saveRules(persist, flavour) : []),
  ];
}
