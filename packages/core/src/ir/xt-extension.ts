import type { OpaqueExpr } from './types';

// iptables-nft rules that nft cannot translate keep an `xt` expression; `nft -j list ruleset` (1.0.6) shows
// only its type and name (`{"xt": {"type": "target", "name": "MARK"}}`), never its options.

/** Which marks an xt extension may read and write, when it is one that touches marks. */
export interface XtMarkEffect {
  readonly type: 'match' | 'target';
  readonly name: string;
  readonly reads: { readonly fwmark: boolean; readonly ctmark: boolean };
  readonly writes: { readonly fwmark: boolean; readonly ctmark: boolean };
}

const EFFECTS: Readonly<Record<string, Omit<XtMarkEffect, 'type' | 'name'>>> = {
  'target MARK': { reads: { fwmark: true, ctmark: false }, writes: { fwmark: true, ctmark: false } },
  'target CONNMARK': { reads: { fwmark: true, ctmark: true }, writes: { fwmark: true, ctmark: true } },
  'target TPROXY': { reads: { fwmark: true, ctmark: false }, writes: { fwmark: true, ctmark: false } },
  'target HMARK': { reads: { fwmark: false, ctmark: false }, writes: { fwmark: true, ctmark: false } },
  'match mark': { reads: { fwmark: true, ctmark: false }, writes: { fwmark: false, ctmark: false } },
  'match connmark': { reads: { fwmark: false, ctmark: true }, writes: { fwmark: false, ctmark: false } },
};

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** The xt extension an nft JSON statement names (`{"xt": {...}}`), or null. */
export function xtExtension(raw: unknown): { type: 'match' | 'target'; name: string } | null {
  if (!isObj(raw) || !isObj(raw.xt)) return null;
  const { type, name } = raw.xt;
  if ((type !== 'match' && type !== 'target') || typeof name !== 'string') return null;
  return { type, name };
}

/** The marks an opaque xt expression may touch, or null when it is not one that touches marks. */
export function xtMarkEffect(e: OpaqueExpr): XtMarkEffect | null {
  const ext = xtExtension(e.raw);
  if (!ext) return null;
  const effect = EFFECTS[`${ext.type} ${ext.name}`];
  return effect ? { ...ext, ...effect } : null;
}

/** Whether an xt extension reads or writes a mark at all (for the opaque flags). */
export function xtTouchesMarks(type: 'match' | 'target', name: string): { reads: boolean; writes: boolean } {
  const effect = EFFECTS[`${type} ${name}`];
  if (!effect) return { reads: false, writes: false };
  return {
    reads: effect.reads.fwmark || effect.reads.ctmark,
    writes: effect.writes.fwmark || effect.writes.ctmark,
  };
}
