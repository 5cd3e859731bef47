import type { RuleExpr } from '../ir/types';
import { parseIpv4 } from '../net/address';
import { type CompiledExpr, type PacketState, R_BREAK, R_CONT } from './state';

// The commonest expressions as plain data evaluated by one switch: one object shape and no indirect call, so the
// per-rule cost stays a few nanoseconds. Everything else runs through its compiled closure (OP_CALL).

export const OP_CALL = 0;
/** `((mark & a) == b) != inv` */
export const OP_META_MARK_EQ = 1;
/** `((ct mark & a) == b) != inv`, false without conntrack */
export const OP_CT_MARK_EQ = 2;
/** `(l4proto == a) != inv` */
export const OP_L4PROTO = 3;
/** destination port of protocol a (or any, a = -1) in [b, c], `!= inv` */
export const OP_DPORT = 4;
export const OP_SPORT = 5;
/** `mark = (mark & a) ^ b` */
export const OP_META_WRITE = 6;
/** `(iif == s) != inv`, `(oif == s) != inv` */
export const OP_IIF = 7;
export const OP_OIF = 8;
/** IPv4 `((saddr & a) == b) != inv`, false on IPv6 */
export const OP_SADDR4 = 9;
export const OP_DADDR4 = 10;

export interface Op {
  readonly code: number;
  readonly a: number;
  readonly b: number;
  readonly c: number;
  readonly inv: boolean;
  /** The interface name of OP_IIF / OP_OIF, '' otherwise. */
  readonly s: string;
  readonly fn: CompiledExpr | null;
}

const op = (
  code: number,
  a: number,
  b: number,
  c: number,
  inv: boolean,
  fn: CompiledExpr | null,
  s = '',
): Op => ({
  code,
  a,
  b,
  c,
  inv,
  s,
  fn,
});

/** The data form of an expression when it has one, else a call of its closure. */
export function fastOp(e: RuleExpr, fn: CompiledExpr): Op {
  switch (e.kind) {
    case 'mark':
      if (e.key.shift === 0 && e.values.kind === 'ranges' && e.values.ranges.length === 1) {
        const [lo, hi] = e.values.ranges[0]!;
        if (lo === hi)
          return op(
            e.key.space === 'meta' ? OP_META_MARK_EQ : OP_CT_MARK_EQ,
            e.key.mask,
            lo,
            0,
            e.invert,
            null,
          );
      }
      break;
    case 'l4proto':
      if (e.protos.length === 1) return op(OP_L4PROTO, e.protos[0]!, 0, 0, e.invert, null);
      break;
    case 'port':
      if (e.values.kind === 'ranges' && e.values.ranges.length === 1) {
        const [lo, hi] = e.values.ranges[0]!;
        return op(e.dir === 'dst' ? OP_DPORT : OP_SPORT, e.proto ?? -1, lo, hi, e.invert, null);
      }
      break;
    case 'iface': {
      const name = e.names[0];
      if (e.names.length === 1 && name !== undefined && !name.endsWith('*') && !name.endsWith('+')) {
        return op(e.dir === 'in' ? OP_IIF : OP_OIF, 0, 0, 0, e.invert, null, name);
      }
      break;
    }
    case 'addr': {
      const cidr = e.set.kind === 'cidrs' && e.set.cidrs.length === 1 ? e.set.cidrs[0]! : null;
      const base = cidr && cidr.family === 4 ? parseIpv4(cidr.address) : null;
      if (cidr && base !== null) {
        const mask = cidr.prefix === 0 ? 0 : (0xffffffff << (32 - Math.min(32, cidr.prefix))) >>> 0;
        return op(e.dir === 'src' ? OP_SADDR4 : OP_DADDR4, mask, (base & mask) >>> 0, 0, e.invert, null);
      }
      break;
    }
    case 'markWrite':
      if (e.write.dst === 'meta' && e.write.src === null)
        return op(OP_META_WRITE, e.write.keep, e.write.xor, 0, false, null);
      break;
  }
  return op(OP_CALL, 0, 0, 0, false, fn);
}

/**
 * Drop an `l4proto P` test that the next op repeats: a port op of protocol P already fails on any other protocol
 * (iptables' `-p udp -m udp --dport N` is such a pair).
 */
export function fuseOps(ops: readonly Op[]): Op[] {
  const out: Op[] = [];
  for (let i = 0; i < ops.length; i++) {
    const o = ops[i]!;
    const next = ops[i + 1];
    const implied =
      o.code === OP_L4PROTO &&
      !o.inv &&
      next !== undefined &&
      (next.code === OP_DPORT || next.code === OP_SPORT) &&
      next.a === o.a;
    if (!implied) out.push(o);
  }
  return out;
}

/** Evaluate one op; the hot loop of the simulator. */
export function runOp(o: Op, p: PacketState): number {
  switch (o.code) {
    case OP_META_MARK_EQ:
      return ((p.mark & o.a) >>> 0 === o.b) !== o.inv ? R_CONT : R_BREAK;
    case OP_CT_MARK_EQ:
      return p.ct !== null && ((p.ct.mark & o.a) >>> 0 === o.b) !== o.inv ? R_CONT : R_BREAK;
    case OP_L4PROTO:
      return (p.proto === o.a) !== o.inv ? R_CONT : R_BREAK;
    case OP_DPORT:
    case OP_SPORT: {
      if (!p.hasPorts || (o.a !== -1 && p.proto !== o.a)) return R_BREAK;
      const port = o.code === OP_DPORT ? p.dport : p.sport;
      return (port >= o.b && port <= o.c) !== o.inv ? R_CONT : R_BREAK;
    }
    case OP_META_WRITE:
      p.mark = ((p.mark & o.a) ^ o.b) >>> 0;
      return R_CONT;
    case OP_IIF:
      return (p.iif === o.s) !== o.inv ? R_CONT : R_BREAK;
    case OP_OIF:
      return (p.oif === o.s) !== o.inv ? R_CONT : R_BREAK;
    case OP_SADDR4:
    case OP_DADDR4: {
      const a = o.code === OP_SADDR4 ? p.saddr : p.daddr;
      if (a.family !== 4) return R_BREAK;
      return ((a.v & o.a) >>> 0 === o.b) !== o.inv ? R_CONT : R_BREAK;
    }
    default:
      return o.fn!(p);
  }
}
