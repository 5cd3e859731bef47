import type { RuleExpr } from '../../ir/types';

const isStatement = (e: RuleExpr): boolean =>
  !['mark', 'iface', 'l3proto', 'addr', 'l4proto', 'port', 'ctstate', 'ctdirection', 'secmark'].includes(
    e.kind,
  ) && !(e.kind === 'opaque' && e.role === 'match');

/** Protocols with a port field nft can name (`tcp dport`). */
const NAMED_TRANSPORTS = new Set([6, 17, 132, 136]);

/**
 * nft's payload dependency handling, as seen in `nft list`: a `meta l4proto P` / `ip protocol P` match
 * followed (before any statement) by a port match of P is listed away, and a `th` port match after it is
 * listed as P's port (`meta l4proto tcp th dport 22` lists as `tcp dport 22`). Returns the listed exprs.
 */
export function applyPayloadDependencies(exprs: readonly RuleExpr[]): {
  /** The listed exprs. */
  exprs: RuleExpr[];
  /** Same length as the input: each expr as listed (dropped ones included). */
  retyped: RuleExpr[];
  changed: Set<number>;
  dropped: Set<number>;
} {
  const out = [...exprs];
  const dropped = new Set<number>();
  const changed = new Set<number>();
  let pending: { index: number; proto: number } | null = null;
  // The transport protocol known at this point of the rule (it outlives statements, unlike `pending`).
  let context: number | null = null;
  out.forEach((e, i) => {
    if (e.kind === 'l4proto' && !e.invert && e.protos.length === 1) {
      pending = { index: i, proto: e.protos[0]! };
      context = e.protos[0]!;
    } else if (e.kind === 'port') {
      let port = e;
      if (port.proto === null && context !== null && NAMED_TRANSPORTS.has(context)) {
        port = { ...port, proto: context };
        out[i] = port;
        changed.add(i);
      }
      if (pending && port.proto === pending.proto) dropped.add(pending.index);
      pending = null;
      if (port.proto !== null) context = port.proto;
    } else if (isStatement(e)) {
      pending = null;
      if ((e.kind === 'markMap' || e.kind === 'vmap') && e.key.kind === 'port' && e.key.proto !== null)
        context = e.key.proto;
    }
  });
  return { exprs: out.filter((_, i) => !dropped.has(i)), retyped: out, changed, dropped };
}
