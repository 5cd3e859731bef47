import type { OpaqueExpr, RuleExpr, Statement } from './types';

// A record, not a list, so that a new statement kind fails to compile until it is named here.
const KINDS: Record<Exclude<Statement, OpaqueExpr>['kind'], true> = {
  markWrite: true,
  markMap: true,
  secmarkSet: true,
  secmarkCopy: true,
  counter: true,
  log: true,
  nat: true,
  verdict: true,
  vmap: true,
};

const STATEMENT_KINDS: ReadonlySet<string> = new Set(Object.keys(KINDS));

/** Whether an expression acts on the packet (a statement) rather than testing it; opaque ones say which they are. */
export const isStatement = (e: RuleExpr): e is Statement =>
  STATEMENT_KINDS.has(e.kind) || (e.kind === 'opaque' && e.role === 'statement');
