import { evaluateWrite, shiftBy } from '../bits/algebra';
import type { MarkWrite } from '../bits/algebra-types';
import type { MapKey, MarkKey, Statement } from '../ir/types';
import { type Addr, tryParseAddr } from './address';
import { type CompiledExpr, type PacketState, R_ACCEPT, R_BREAK, R_CONT } from './state';

// Closures for the expressions that read or write packet state: interface names, mark keys, map keys, mark
// writes through the one algebra, and NAT.

/** `eth*` (nft) and `eth+` (iptables) are prefix wildcards. */
export function ifaceTest(name: string): (dev: string) => boolean {
  if (name.endsWith('*') || name.endsWith('+')) {
    const prefix = name.slice(0, -1);
    return (dev) => dev.startsWith(prefix);
  }
  return (dev) => dev === name;
}

export function markReader(k: MarkKey): (p: PacketState) => number {
  const { mask, shift } = k;
  if (k.space === 'meta') {
    return shift === 0 ? (p) => (p.mark & mask) >>> 0 : (p) => shiftBy(p.mark & mask, shift);
  }
  return (p) => shiftBy((p.ct ? p.ct.mark : 0) & mask, shift);
}

export function mapKeyReader(k: MapKey): (p: PacketState) => number | null {
  switch (k.kind) {
    case 'mark': {
      const read = markReader(k.key);
      return k.key.space === 'ct' ? (p) => (p.ct ? read(p) : null) : read;
    }
    case 'port': {
      const { proto } = k;
      const src = k.dir === 'src';
      return (p) => (!p.hasPorts || (proto !== null && p.proto !== proto) ? null : src ? p.sport : p.dport);
    }
    case 'addr': {
      const src = k.dir === 'src';
      return (p) => {
        const a = src ? p.saddr : p.daddr;
        return a.family === 4 && k.family === 4 ? a.v : null;
      };
    }
    default:
      return () => null;
  }
}

export function markWriter(w: MarkWrite, iptables: boolean): CompiledExpr {
  const usesCt = w.dst === 'ct' || w.src?.space === 'ct';
  // One algebra for every write; the marks object is reused so the hot path does not allocate.
  const marks = { meta: 0, ct: 0 };
  return (p) => {
    if (usesCt && !p.ct) return iptables ? R_CONT : R_BREAK;
    marks.meta = p.mark;
    marks.ct = p.ct ? p.ct.mark : 0;
    const v = evaluateWrite(w, marks);
    if (w.dst === 'meta') p.mark = v;
    else p.ct!.mark = v;
    return R_CONT;
  };
}

/** NAT: a DNAT to a plain address (optionally :port) rewrites the destination; other kinds are recorded only. */
export function natStatement(s: Extract<Statement, { kind: 'nat' }>): CompiledExpr {
  const target = s.type === 'dnat' && s.to ? parseNatTarget(s.to) : null;
  const note = target ? null : `${s.type} recorded, addresses not rewritten`;
  return (p) => {
    if (target && p.ct && p.ctFresh) {
      p.ct.dnat = target;
      p.daddr = target.daddr;
      if (target.dport !== null && p.hasPorts) p.dport = target.dport;
    } else if (note) p.note = note;
    p.verdictText = s.type;
    return R_ACCEPT;
  };
}

function parseNatTarget(to: string): { daddr: Addr; dport: number | null } | null {
  const t = to.trim();
  const plain = tryParseAddr(t);
  if (plain) return { daddr: plain, dport: null };
  const m = /^\[([0-9a-fA-F:.]+)\]:(\d+)$/.exec(t) ?? /^([0-9.]+):(\d+)$/.exec(t);
  const a = m ? tryParseAddr(m[1]!) : null;
  return a ? { daddr: a, dport: Number(m![2]) } : null;
}
