import type { RouteDecision } from './routing';

const SLOTS = 4096;

/**
 * Route decisions already made for IPv4 flows, like the kernel's route cache: one slot per hash of the query, a
 * newer query with the same hash replaces the older one. A hit compares six fields and allocates nothing.
 */
export class RouteCache {
  private readonly saddr = new Int32Array(SLOTS);
  private readonly daddr = new Int32Array(SLOTS);
  private readonly mark = new Int32Array(SLOTS);
  /** 0 empty, 1 forwarded or input lookup, 2 locally generated. */
  private readonly kind = new Uint8Array(SLOTS);
  private readonly iif: string[] = new Array(SLOTS).fill('');
  private readonly oif: string[] = new Array(SLOTS).fill('');
  private readonly decision: (RouteDecision | null)[] = new Array(SLOTS).fill(null);

  private static slot(saddr: number, daddr: number, mark: number): number {
    let h = Math.imul(saddr ^ 0x9e3779b9, 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 15) ^ daddr, 0xc2b2ae35);
    h ^= mark;
    return (h ^ (h >>> 16)) & (SLOTS - 1);
  }

  get(
    saddr: number,
    daddr: number,
    mark: number,
    iif: string,
    oif: string,
    local: boolean,
  ): RouteDecision | null {
    const s = RouteCache.slot(saddr | 0, daddr | 0, mark | 0);
    if (
      this.kind[s] === (local ? 2 : 1) &&
      this.saddr[s] === (saddr | 0) &&
      this.daddr[s] === (daddr | 0) &&
      this.mark[s] === (mark | 0) &&
      this.iif[s] === iif &&
      this.oif[s] === oif
    ) {
      return this.decision[s]!;
    }
    return null;
  }

  set(
    saddr: number,
    daddr: number,
    mark: number,
    iif: string,
    oif: string,
    local: boolean,
    d: RouteDecision,
  ): void {
    const s = RouteCache.slot(saddr | 0, daddr | 0, mark | 0);
    this.kind[s] = local ? 2 : 1;
    this.saddr[s] = saddr;
    this.daddr[s] = daddr;
    this.mark[s] = mark;
    this.iif[s] = iif;
    this.oif[s] = oif;
    this.decision[s] = d;
  }
}
