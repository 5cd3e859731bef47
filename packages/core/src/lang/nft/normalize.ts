import { InputError } from '../../bits/errors';
import type { NormalizeResult } from '../language';
import { parseNftRuleDetailed } from './rule';

export type { NormalizeResult };

/**
 * A rule body in the canonical form `nft list` (nft 1.0.6) prints, or the reason nft refuses it.
 * Accepted exactly when nft accepts the rule (within what the parser models).
 */
export function normalizeNftRule(body: string): NormalizeResult {
  try {
    const parsed = parseNftRuleDetailed(body);
    if (parsed.refusal) return { ok: false, message: parsed.refusal };
    if (parsed.rule.exprs.length === 0)
      return { ok: false, message: 'rule: expected at least one match or statement' };
    return { ok: true, text: parsed.canonical };
  } catch (err) {
    if (err instanceof InputError) return { ok: false, message: err.message };
    throw err;
  }
}
