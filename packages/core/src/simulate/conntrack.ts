import type { Addr } from './address';
import { FlowTable, type FlowTuple } from './flow-table';

/** One connection: the state that outlives a packet (ct mark, ct secmark, whether a reply was seen, NAT). */
export interface CtEntry {
  mark: number;
  secmark: string | null;
  seenReply: boolean;
  /** Destination rewrite decided by the first packet's DNAT, applied to later packets of the flow. */
  dnat: { readonly daddr: Addr; readonly dport: number | null } | null;
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

export type { FlowTuple } from './flow-table';

/**
 * The connection table shared by the packets of one simulation. Like the kernel, an entry becomes visible to
 * later packets only when the packet that created it is confirmed (leaves postrouting or input accepted).
 */
export class Conntrack {
  /** Both directions of each confirmed flow, as the lookups later packets get (built once, not per packet). */
  private readonly byTuple = new FlowTable<CtLookup>();

  /** The conntrack hook (-200): find the flow or create an unconfirmed entry. */
  lookup(t: FlowTuple): CtLookup {
    const hit = this.byTuple.get(t.proto, t.saddr, t.sport, t.daddr, t.dport);
    if (hit) {
      if (hit.direction === 'reply') hit.entry.seenReply = true;
      return hit;
    }
    const entry: CtEntry = { mark: 0, secmark: null, seenReply: false, dnat: null };
    return { entry, direction: 'original', fresh: true };
  }

  /**
   * Confirm a fresh entry once its first packet got through: `original` is the tuple it was looked up by, `reply`
   * the tuple replies come with (reversed after any DNAT).
   */
  confirm(lookup: CtLookup, original: FlowTuple, reply: FlowTuple): void {
    if (!lookup.fresh) return;
    this.add(lookup.entry, original, reply);
  }

  /**
   * An existing connection, as a live box lists it: its ct mark, whether a reply was seen, and where DNAT sends
   * it. Later packets of the flow find it as established (or new, until the reply), as they would on the box.
   */
  seed(t: FlowTuple, mark: number, replied: boolean, dnat: CtEntry['dnat'] = null): void {
    const entry: CtEntry = { mark, secmark: null, seenReply: replied, dnat };
    const to = dnat ? dnat.daddr : t.daddr;
    const toPort = dnat ? (dnat.dport ?? t.dport) : t.dport;
    this.add(entry, t, { proto: t.proto, saddr: to, sport: toPort, daddr: t.saddr, dport: t.sport });
  }

  private add(entry: CtEntry, o: FlowTuple, r: FlowTuple): void {
    this.byTuple.set(o.proto, o.saddr, o.sport, o.daddr, o.dport, {
      entry,
      direction: 'original',
      fresh: false,
    });
    this.byTuple.set(r.proto, r.saddr, r.sport, r.daddr, r.dport, {
      entry,
      direction: 'reply',
      fresh: false,
    });
  }

  get size(): number {
    return this.byTuple.size / 2;
  }
}

/** The ct state a packet is in: the kernel reports NEW until a reply was seen, even for later packets. */
export function ctState(l: CtLookup): 'new' | 'established' {
  if (l.direction === 'reply') return 'established';
  return l.entry.seenReply ? 'established' : 'new';
}
