import { isModelledMatch } from '../ir/match-kinds';
import type { Match, Range, Rule, RuleExpr } from '../ir/types';
import { tryParseAddr } from './address';
import type { PacketState } from './state';

// Classify instead of scan: each long chain gets an index on one packet key (input or output interface, protocol,
// a port, an IPv4 address, or the packet mark under one mask). A rule that requires a value of that key in its
// leading matches is listed under the values it accepts; a rule that does not is listed as "always". A packet then
// runs only the rules listed under its own value, merged in chain order with the "always" rules: the cost follows
// the rules it can match, not the chain's length. Excluding a rule is safe only when one of its leading,
// side-effect-free matches would fail, so the rules still run whole and decide exactly as the scan does.

const EMPTY = new Int32Array(0);

/** One key of the packet: a number (-1 when the packet has none, e.g. no ports) or an interface name. */
type KeyReader = (p: PacketState) => number;
type NameReader = (p: PacketState) => string;

/** The rules of one chain a packet may match, in chain order. */
export interface ChainIndex {
  /** The keys the chain is classified by, outermost first (for tests and the bench). */
  readonly dimensions: readonly string[];
  /** Rules no level of the index can exclude. */
  readonly rest: Int32Array;
  /** True when no rule can change a key while the chain runs (interfaces and the protocol never change). */
  readonly stable: boolean;
  /**
   * The positions of the rules the packet may match, ascending: the rules listed under its value at each level
   * merged with `rest`. Merged once per combination of values and kept, so a packet walks one list.
   */
  candidates(p: PacketState): Int32Array;
}

/** One level: the rules listed under the packet's value of one key. */
interface Level {
  readonly dimension: string;
  readonly stable: boolean;
  /** The packet's list, as its number in `lists` (0: the empty list). */
  readonly lookup: (p: PacketState) => number;
  readonly lists: readonly Int32Array[];
}

interface Dimension {
  readonly name: string;
  readonly stable: boolean;
  /** What a rule requires of the key, or null when the rule accepts any value. */
  readonly require: (m: Match) => readonly Range[] | readonly string[] | null;
  readonly read: KeyReader | NameReader;
  readonly kind: 'number' | 'name';
}

const ranges = (m: { values: { kind: string; ranges?: readonly Range[] } }): readonly Range[] | null =>
  m.values.kind === 'ranges' ? m.values.ranges! : null;

function v4Ranges(m: Extract<Match, { kind: 'addr' }>): Range[] | null {
  const s = m.set;
  const out: Range[] = [];
  if (s.kind === 'cidrs') {
    for (const c of s.cidrs) {
      const a = tryParseAddr(c.address);
      if (a?.family !== 4 || c.family !== 4) return null;
      const bits = Math.min(32, c.prefix);
      const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
      const lo = (a.v & mask) >>> 0;
      out.push([lo, (lo | ~mask) >>> 0]);
    }
    return out.length > 0 ? out : null;
  }
  if (s.kind === 'addrRanges' && s.family === 4) {
    for (const [l, h] of s.ranges) {
      const lo = tryParseAddr(l);
      const hi = tryParseAddr(h);
      if (lo?.family !== 4 || hi?.family !== 4) return null;
      out.push([lo.v, hi.v]);
    }
    return out.length > 0 ? out : null;
  }
  return null;
}

const exactNames = (names: readonly string[]): readonly string[] | null =>
  names.every((n) => !n.endsWith('*') && !n.endsWith('+')) && names.length > 0 ? names : null;

function markDimension(mask: number): Dimension {
  return {
    name: `meta mark & 0x${mask.toString(16)}`,
    stable: false,
    kind: 'number',
    read: (p) => (p.mark & mask) >>> 0,
    require: (m) =>
      m.kind === 'mark' && !m.invert && m.key.space === 'meta' && m.key.shift === 0 && m.key.mask === mask
        ? ranges(m)
        : null,
  };
}

const DIMENSIONS: readonly Dimension[] = [
  {
    name: 'iif',
    stable: true,
    kind: 'name',
    read: (p) => p.iif,
    require: (m) => (m.kind === 'iface' && m.dir === 'in' && !m.invert ? exactNames(m.names) : null),
  },
  {
    name: 'oif',
    stable: true,
    kind: 'name',
    read: (p) => p.oif,
    require: (m) => (m.kind === 'iface' && m.dir === 'out' && !m.invert ? exactNames(m.names) : null),
  },
  {
    name: 'l4proto',
    stable: true,
    kind: 'number',
    read: (p) => p.proto,
    require: (m) => (m.kind === 'l4proto' && !m.invert ? m.protos.map((n): Range => [n, n]) : null),
  },
  {
    name: 'dport',
    stable: false,
    kind: 'number',
    read: (p) => (p.hasPorts ? p.dport : -1),
    require: (m) => (m.kind === 'port' && m.dir === 'dst' && !m.invert ? ranges(m) : null),
  },
  {
    name: 'sport',
    stable: false,
    kind: 'number',
    read: (p) => (p.hasPorts ? p.sport : -1),
    require: (m) => (m.kind === 'port' && m.dir === 'src' && !m.invert ? ranges(m) : null),
  },
  {
    name: 'daddr',
    stable: false,
    kind: 'number',
    read: (p) => (p.daddr.family === 4 ? p.daddr.v : -1),
    require: (m) => (m.kind === 'addr' && m.dir === 'dst' && !m.invert ? v4Ranges(m) : null),
  },
  {
    name: 'saddr',
    stable: false,
    kind: 'number',
    read: (p) => (p.saddr.family === 4 ? p.saddr.v : -1),
    require: (m) => (m.kind === 'addr' && m.dir === 'src' && !m.invert ? v4Ranges(m) : null),
  },
];

/** The matches a rule evaluates before anything with an effect (a statement, a verdict, an unmodelled test). */
function leadingMatches(rule: Rule): Match[] {
  const out: Match[] = [];
  for (const e of rule.exprs) {
    if (!isModelledMatch(e)) break;
    out.push(e);
  }
  return out;
}

/** What a rule requires of one key; when several leading matches test it, the first one is enough to exclude. */
function requirement(d: Dimension, matches: readonly Match[]): readonly Range[] | readonly string[] | null {
  for (const m of matches) {
    const r = d.require(m);
    if (r) return r;
  }
  return null;
}

function upperBound(xs: ArrayLike<number>, k: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! <= k) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First position in an ascending list whose rule is at or after `i`. */
export function firstAtOrAfter(xs: Int32Array, i: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! < i) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

interface Built {
  readonly level: Level;
  /** The rules this level cannot exclude, as positions in the chain. */
  readonly always: Int32Array;
  /** Expected rules per packet: the "always" rules plus the mean listed under a value. */
  readonly cost: number;
}

function buildNumeric(d: Dimension, reqs: (readonly Range[] | null)[], always: Int32Array): Built | null {
  const points = new Set<number>();
  for (const r of reqs) if (r) for (const [lo, hi] of r) points.add(lo).add(hi + 1);
  const bounds = Float64Array.from([...points].sort((a, b) => a - b));
  const lists: number[][] = Array.from({ length: Math.max(0, bounds.length - 1) }, () => []);
  let total = 0;
  const cap = 64 * reqs.length + 65_536;
  for (let rule = 0; rule < reqs.length; rule++) {
    const r = reqs[rule];
    if (!r) continue;
    for (const [lo, hi] of r) {
      const end = upperBound(bounds, hi) - 1;
      for (let s = upperBound(bounds, lo) - 1; s <= end; s++) {
        const list = lists[s]!;
        if (list[list.length - 1] !== rule) {
          list.push(rule);
          if (++total > cap) return null;
        }
      }
    }
  }
  const segments = lists.map((l) => (l.length === 0 ? EMPTY : Int32Array.from(l)));
  const used = segments.filter((s) => s.length > 0);
  const mean = used.length === 0 ? 0 : used.reduce((n, s) => n + s.length, 0) / used.length;
  const read = d.read as KeyReader;
  const last = segments.length;
  return {
    cost: always.length + mean,
    always,
    level: {
      dimension: d.name,
      stable: d.stable,
      // List s is segment s - 1; 0 is the empty list (no such key, or outside every segment).
      lists: [EMPTY, ...segments],
      lookup: (p) => {
        const k = read(p);
        if (k < 0) return 0;
        const s = upperBound(bounds, k);
        return s < 1 || s > last ? 0 : s;
      },
    },
  };
}

function buildNamed(d: Dimension, reqs: (readonly string[] | null)[], always: Int32Array): Built {
  const byName = new Map<string, number[]>();
  reqs.forEach((names, rule) => {
    for (const n of names ?? []) {
      const list = byName.get(n) ?? [];
      if (list[list.length - 1] !== rule) list.push(rule);
      byName.set(n, list);
    }
  });
  const named = [...byName];
  const ids = new Map(named.map(([n], i) => [n, i + 1]));
  const lists = [EMPTY, ...named.map(([, l]) => Int32Array.from(l))];
  const mean = named.length === 0 ? 0 : named.reduce((n, [, l]) => n + l.length, 0) / named.length;
  const read = d.read as NameReader;
  return {
    cost: always.length + mean,
    always,
    level: { dimension: d.name, stable: d.stable, lists, lookup: (p) => ids.get(read(p)) ?? 0 },
  };
}

/** The masks of meta mark tests in leading matches: each is a candidate key. */
function markMasks(leading: readonly Match[][]): number[] {
  const masks = new Set<number>();
  for (const ms of leading) {
    for (const m of ms)
      if (m.kind === 'mark' && m.key.space === 'meta' && m.key.shift === 0) masks.add(m.key.mask);
  }
  return [...masks].slice(0, 8);
}

/** Chains shorter than this are scanned: the index would not pay for its lookup. */
export const INDEX_FROM_RULES = 8;
const MAX_LEVELS = 3;

/** The best single key for the rules at `positions` (positions in the chain), or null when none excludes any. */
function bestLevel(rules: readonly Rule[], leading: readonly Match[][], positions: Int32Array): Built | null {
  let best: Built | null = null;
  const subset = Array.from(positions, (i) => leading[i]!);
  for (const d of [...DIMENSIONS, ...markMasks(subset).map(markDimension)]) {
    // Requirements indexed by chain position; rules outside the subset are left out entirely.
    const reqs: (readonly Range[] | readonly string[] | null)[] = new Array(rules.length).fill(null);
    const always: number[] = [];
    for (const i of positions) {
      reqs[i] = requirement(d, leading[i]!);
      if (!reqs[i]) always.push(i);
    }
    if (always.length === positions.length) continue;
    const alwaysArr = Int32Array.from(always);
    const built =
      d.kind === 'name'
        ? buildNamed(d, reqs as (readonly string[] | null)[], alwaysArr)
        : buildNumeric(d, reqs as (readonly Range[] | null)[], alwaysArr);
    if (built && (!best || built.cost < best.cost)) best = built;
  }
  return best;
}

/**
 * The index of a chain, or null when scanning is as good (short chains, or no key excludes enough rules). Each
 * level classifies the rules the previous one could not exclude. `fromRules` lowers the length from which chains
 * are indexed (tests index every chain).
 */
export function buildChainIndex(rules: readonly Rule[], fromRules = INDEX_FROM_RULES): ChainIndex | null {
  if (rules.length < fromRules || rules.length === 0) return null;
  const leading = rules.map(leadingMatches);
  const levels: Level[] = [];
  let rest: Int32Array = Int32Array.from(rules.keys());
  while (levels.length < MAX_LEVELS && rest.length >= Math.min(fromRules, INDEX_FROM_RULES)) {
    const built = bestLevel(rules, leading, rest);
    // A level is worth its lookup only when it leaves out a good part of what is left.
    if (!built || (fromRules === INDEX_FROM_RULES && built.cost > rest.length * 0.6)) break;
    levels.push(built.level);
    rest = built.always;
  }
  if (levels.length === 0) return null;
  return {
    dimensions: levels.map((l) => l.dimension),
    rest,
    stable: levels.every((l) => l.stable),
    candidates: mergedLists(levels, rest),
  };
}

/** Most combinations of values kept per chain; past it the kept lists start over. */
const MAX_MERGED = 4096;

/** The packet's candidate rules: its list at each level merged with `rest`, memoised by the lists' numbers. */
function mergedLists(levels: readonly Level[], rest: Int32Array): (p: PacketState) => Int32Array {
  // Each level's list number is a digit of the combination's key (at most 3 levels of at most 2^17 lists).
  const radix = levels.map((l) => l.lists.length);
  const merged = new Map<number, Int32Array>();
  const l0 = levels[0]!;
  if (radix.reduce((a, b) => a * b, 1) > Number.MAX_SAFE_INTEGER) {
    // Too many combinations to number: merge for each packet.
    return (p) => union([rest, ...levels.map((l) => l.lists[l.lookup(p)]!)]);
  }
  if (levels.length === 1) {
    return (p) => {
      const a = l0.lookup(p);
      let m = merged.get(a);
      if (m === undefined) {
        m = union([l0.lists[a]!, rest]);
        remember(merged, a, m);
      }
      return m;
    };
  }
  return (p) => {
    let key = 0;
    for (let j = levels.length - 1; j >= 0; j--) key = key * radix[j]! + levels[j]!.lookup(p);
    let m = merged.get(key);
    if (m === undefined) {
      const lists: Int32Array[] = [rest];
      let k = key;
      for (let j = 0; j < levels.length; j++) {
        lists.push(levels[j]!.lists[k % radix[j]!]!);
        k = Math.floor(k / radix[j]!);
      }
      m = union(lists);
      remember(merged, key, m);
    }
    return m;
  };
}

function remember(merged: Map<number, Int32Array>, key: number, list: Int32Array): void {
  if (merged.size >= MAX_MERGED) merged.clear();
  merged.set(key, list);
}

/** The ascending union of ascending lists of rule positions. */
function union(lists: readonly Int32Array[]): Int32Array {
  const nonEmpty = lists.filter((l) => l.length > 0);
  if (nonEmpty.length === 0) return EMPTY;
  if (nonEmpty.length === 1) return nonEmpty[0]!;
  const all = new Set<number>();
  for (const l of nonEmpty) for (const i of l) all.add(i);
  return Int32Array.from([...all].sort((a, b) => a - b));
}

const NO_EFFECT = new Set(['counter', 'log', 'secmarkSet', 'secmarkCopy']);
const FINAL_VERDICTS = new Set(['accept', 'drop', 'reject', 'queue', 'return', 'continue']);

/** True when running the rule may change a key the index reads (a mark write, NAT, or a jump into other rules). */
export function mayChangeKeys(rule: Rule): boolean {
  return rule.exprs.some((e: RuleExpr) => {
    if (isModelledMatch(e) || NO_EFFECT.has(e.kind)) return false;
    if (e.kind === 'markWrite') return e.write.dst === 'meta';
    if (e.kind === 'opaque') return e.role !== 'match';
    if (e.kind === 'verdict') return !FINAL_VERDICTS.has(e.verdict.kind);
    return true;
  });
}
