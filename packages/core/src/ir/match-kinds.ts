import type { Match, OpaqueExpr } from './types';

/** A match the IR models: it tests the packet or its connection and changes neither. */
export type ModelledMatch = Exclude<Match, OpaqueExpr>;

// A record, not a list, so that a new match kind fails to compile until it is named here.
const KINDS: Record<ModelledMatch['kind'], true> = {
  mark: true,
  iface: true,
  l3proto: true,
  addr: true,
  l4proto: true,
  port: true,
  ctstate: true,
  ctdirection: true,
  secmark: true,
};

/** Every modelled match kind. */
export const MODELLED_MATCH_KINDS: ReadonlySet<string> = new Set(Object.keys(KINDS));

export function isModelledMatch(e: { readonly kind: string }): e is ModelledMatch {
  return MODELLED_MATCH_KINDS.has(e.kind);
}
