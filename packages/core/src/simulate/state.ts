import type { CtState, Table } from '../ir/types';
import type { Addr } from './address';
import type { CtDirection, CtEntry } from './conntrack';
import type { Op } from './fast-ops';
import type { ChainIndex } from './rule-index';

/** The packet as it moves through the hooks: mutable, one object per packet, so the hot path allocates little. */
export interface PacketState {
  family: 4 | 6;
  saddr: Addr;
  daddr: Addr;
  proto: number;
  sport: number;
  dport: number;
  hasPorts: boolean;
  /** '' when the hook has no such interface (iif on output, oif on prerouting/input). */
  iif: string;
  oif: string;
  mark: number;
  secmark: string | null;
  /** The conntrack entry, once the conntrack hook ran (null before it, or when untracked). */
  ct: CtEntry | null;
  ctDirection: CtDirection;
  ctState: CtState;
  /** True for the first packet of a flow: the only one NAT chains see. */
  ctFresh: boolean;
  /** Set by `notrack` / `CT --notrack` in raw: conntrack leaves the packet alone. */
  untracked: boolean;
  /** Set by a rule that jumps or goes to a chain. */
  target: CompiledChain | null;
  /** The verdict code (R_*) an indexed chain run stopped on. */
  lastVerdict: number;
  /** Text of the verdict the last rule issued, for the trace. */
  verdictText: string | null;
  /** Why the last rule could not be evaluated exactly. */
  note: string | null;
  /** Opaque expressions met so far (matches counted as not matching). */
  unknown: number;
  notes: string[];
}

export const R_CONT = 0;
export const R_BREAK = 1;
export const R_ACCEPT = 2;
export const R_DROP = 3;
export const R_RETURN = 4;
export const R_JUMP = 5;
export const R_GOTO = 6;
export const R_NEXT = 7;

/** Result of one expression: go on with the rule, stop the rule, or a verdict (R_*). */
export type ExprResult = number;
export type CompiledExpr = (p: PacketState) => ExprResult;

export interface CompiledRule {
  readonly ops: readonly Op[];
  readonly text: string;
  /** Running it may change a key the chain's index reads: the index is consulted again after it. */
  readonly mutates: boolean;
}

export interface CompiledChain {
  readonly name: string;
  readonly table: Table;
  rules: CompiledRule[];
  /** The chain's rules classified by one packet key, or null when the chain is scanned. */
  index: ChainIndex | null;
}
