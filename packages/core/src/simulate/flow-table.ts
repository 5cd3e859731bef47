import type { Addr } from './address';

/** A connection tuple in one direction. */
export interface FlowTuple {
  readonly proto: number;
  readonly saddr: Addr;
  readonly daddr: Addr;
  readonly sport: number;
  readonly dport: number;
}

const addrKey = (a: Addr): string => (a.family === 4 ? String(a.v) : `6:${a.v.toString(16)}`);

/** A tuple as a string key (IPv6 flows; IPv4 flows are keyed by their numbers). */
export const tupleKey = (proto: number, saddr: Addr, sport: number, daddr: Addr, dport: number): string =>
  `${proto} ${addrKey(saddr)} ${sport} ${addrKey(daddr)} ${dport}`;

const WORDS = 4;

/**
 * A map from flow tuples to values. IPv4 tuples (104 bits) live in an open-addressed table of 32-bit words, so a
 * lookup hashes four numbers and builds no key; IPv6 tuples fall back to string keys.
 */
export class FlowTable<V> {
  // Small at first: a simulation of a few packets makes its own table, and it doubles as flows come.
  private keys = new Int32Array(WORDS * 16);
  private values: (V | undefined)[] = new Array(16).fill(undefined);
  private mask = 15;
  private used = 0;
  private readonly v6 = new Map<string, V>();

  get size(): number {
    return this.used + this.v6.size;
  }

  get(proto: number, saddr: Addr, sport: number, daddr: Addr, dport: number): V | undefined {
    if (saddr.family !== 4 || daddr.family !== 4)
      return this.v6.get(tupleKey(proto, saddr, sport, daddr, dport));
    const a = saddr.v | 0;
    const b = daddr.v | 0;
    const c = (sport << 16) | dport;
    const keys = this.keys;
    const mask = this.mask;
    for (let s = hash(a, b, c, proto) & mask; ; s = (s + 1) & mask) {
      const v = this.values[s];
      if (v === undefined) return undefined;
      const k = s * WORDS;
      if (keys[k] === a && keys[k + 1] === b && keys[k + 2] === c && keys[k + 3] === proto) return v;
    }
  }

  set(proto: number, saddr: Addr, sport: number, daddr: Addr, dport: number, value: V): void {
    if (saddr.family !== 4 || daddr.family !== 4) {
      this.v6.set(tupleKey(proto, saddr, sport, daddr, dport), value);
      return;
    }
    if ((this.used + 1) * 2 > this.values.length) this.grow();
    this.put(saddr.v | 0, daddr.v | 0, (sport << 16) | dport, proto, value);
  }

  private put(a: number, b: number, c: number, d: number, value: V): void {
    const keys = this.keys;
    const mask = this.mask;
    for (let s = hash(a, b, c, d) & mask; ; s = (s + 1) & mask) {
      const k = s * WORDS;
      if (this.values[s] === undefined) {
        keys[k] = a;
        keys[k + 1] = b;
        keys[k + 2] = c;
        keys[k + 3] = d;
        this.values[s] = value;
        this.used++;
        return;
      }
      if (keys[k] === a && keys[k + 1] === b && keys[k + 2] === c && keys[k + 3] === d) {
        this.values[s] = value;
        return;
      }
    }
  }

  private grow(): void {
    const keys = this.keys;
    const values = this.values;
    const n = values.length * 2;
    this.keys = new Int32Array(WORDS * n);
    this.values = new Array(n).fill(undefined);
    this.mask = n - 1;
    this.used = 0;
    for (let s = 0; s < values.length; s++) {
      const v = values[s];
      if (v === undefined) continue;
      const k = s * WORDS;
      this.put(keys[k]!, keys[k + 1]!, keys[k + 2]!, keys[k + 3]!, v);
    }
  }
}

function hash(a: number, b: number, c: number, d: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 15) ^ b, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 13) ^ c, 0x27d4eb2f);
  h ^= d;
  return h ^ (h >>> 16);
}
