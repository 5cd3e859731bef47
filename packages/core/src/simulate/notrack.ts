import type { OpaqueExpr } from '../ir/types';

/**
 * `notrack` (nft) and `-j CT --notrack` (xt): the packet skips connection tracking, so it has no ct entry,
 * `ct state` is untracked, and ct mark reads break an nft rule (xt CONNMARK does nothing).
 */
export function isNotrack(s: OpaqueExpr): boolean {
  if (s.role !== 'statement') return false;
  const text = s.text.trim();
  return text === 'notrack' || /^(-j )?CT\b.*\s--notrack\b/.test(text);
}
