import type { Addr } from './address';

/** One connection: the state that outlives a packet (ct mark, ct secmark, whether a reply was seen, NAT). */
export interface CtEntry {
  mark: number;
  secmark: string | null;
  seenReply: boolean;
  /** Destination rewrite decided by the first packet's DNAT, applied to later packets of the flow. */
  dnat: { readonly daddr: Addr; readonly dport: number | null } | null;
  readonly originalKey: string;
  replyKey: string;
  /** Where the first packet came in and left ('' for locally generated or delivered), set when it is confirmed. */
  path?: { readonly iif: string; readonly oif: string };
}

export type CtDirection = 'original' | 'reply';

/** What the conntrack hook attached to a packet. */
export interface CtLookup {
  readonly entry: CtEntry;
  readonly direction: CtDirection;
  /** True when the entry was created by this packet and is not confirmed yet (the first packet of a flow). */
  readonly fresh: boolean;
}

export interface FlowTuple {
  readonly proto: number;
  readonly saddr: Addr;
  readonly daddr: Addr;
  readonly sport: number;
  readonly dport: number;
}

const addrKey = (a: Addr): string => (a.family === 4 ? String(a.v) : `6:${a.v.toString(16)}`);

export const tupleKey = (t: FlowTuple): string =>
  `${t.proto} ${addrKey(t.saddr)} ${t.sport} ${addrKey(t.daddr)} ${t.dport}`;

export const reverseKey = (t: FlowTuple): string =>
  `${t.proto} ${addrKey(t.daddr)} ${t.dport} ${addrKey(t.saddr)} ${t.sport}`;

/**
 * The connection table shared by the packets of one simulation. Like the kernel, an entry becomes visible to
 * later packets only when the packet that created it is confirmed (leaves postrouting or input accepted).
 */
export class Conntrack {
  /** Both directions of each confirmed flow, as the lookups later packets get (built once, not per packet). */
  private readonly byKey = new Map<string, CtLookup>();

  /** The conntrack hook (-200): find the flow or create an unconfirmed entry. */
  lookup(t: FlowTuple, key = tupleKey(t)): CtLookup {
    const hit = this.byKey.get(key);
    if (hit) {
      if (hit.direction === 'reply') hit.entry.seenReply = true;
      return hit;
    }
    const entry: CtEntry = {
      mark: 0,
      secmark: null,
      seenReply: false,
      dnat: null,
      originalKey: key,
      replyKey: '',
    };
    return { entry, direction: 'original', fresh: true };
  }

  /** Confirm a fresh entry once its first packet got through; the reply key reflects any DNAT. */
  confirm(lookup: CtLookup, replyKey: string): void {
    if (!lookup.fresh) return;
    lookup.entry.replyKey = replyKey;
    this.byKey.set(lookup.entry.originalKey, { entry: lookup.entry, direction: 'original', fresh: false });
    this.byKey.set(replyKey, { entry: lookup.entry, direction: 'reply', fresh: false });
  }

  /**
   * An existing connection, as a live box lists it: its ct mark, whether a reply was seen, and where DNAT sends
   * it. Later packets of the flow find it as established (or new, until the reply), as they would on the box.
   */
  seed(
    t: FlowTuple & { readonly flowKey?: string; readonly reverseFlowKey?: string },
    mark: number,
    replied: boolean,
    dnat: CtEntry['dnat'] = null,
  ): void {
    const originalKey = t.flowKey ?? tupleKey(t);
    const replyKey = dnat
      ? reverseKey({ ...t, daddr: dnat.daddr, dport: dnat.dport ?? t.dport })
      : (t.reverseFlowKey ?? reverseKey(t));
    const entry: CtEntry = { mark, secmark: null, seenReply: replied, dnat, originalKey, replyKey };
    this.byKey.set(originalKey, { entry, direction: 'original', fresh: false });
    this.byKey.set(replyKey, { entry, direction: 'reply', fresh: false });
  }

  get size(): number {
    return this.byKey.size / 2;
  }
}

/** The ct state a packet is in: the kernel reports NEW until a reply was seen, even for later packets. */
export function ctState(l: CtLookup): 'new' | 'established' {
  if (l.direction === 'reply') return 'established';
  return l.entry.seenReply ? 'established' : 'new';
}
