import { hex } from '../bits/u32';
import { KNOWN_CONSUMERS } from './consumers';
import { priorityBands, tableBands } from './route-conflicts';
import type { KnownConsumer } from './types';

/** What is taken on a box: bits its rules use, ip rule priorities and tables, and the consumers seen there. */
export interface BoxUsage {
  readonly fwmark: number;
  readonly ctmark: number;
  readonly rulePriorities: readonly number[];
  readonly tables: readonly number[];
  /** Known consumer ids detected on the box; their catalogue bits, bands and tables count as taken too. */
  readonly consumers: readonly string[];
}

export interface SuggestOptions {
  /** Bits the new field needs (default 1). */
  readonly width?: number;
  /** How many consecutive ip rule priorities the new routes need (default 10). */
  readonly band?: number;
  /** How many table ids to propose (default 2). */
  readonly tableCount?: number;
  /** Where priorities are looked for first (Markwright's own range by default). */
  readonly preferredPriorities?: readonly [number, number];
}

/** A free run of bits: `offset` and `width` as a document's field takes them, and the mask. */
export interface FreeBits {
  readonly offset: number;
  readonly width: number;
  readonly mask: string;
}

export interface Suggestion {
  /** Where a new field fits, in each mark: the free runs at least `width` wide, widest first (at most 3). */
  readonly fwmark: readonly FreeBits[];
  readonly connmark: readonly FreeBits[];
  /** A persisted fwmark field needs its bits free in both marks. */
  readonly persisted: readonly FreeBits[];
  /** A free band of ip rule priorities, or null when none of that size is left. */
  readonly priorities: { readonly from: number; readonly to: number } | null;
  readonly tables: readonly number[];
  /** What was counted as taken, per consumer, so the answer can be checked. */
  readonly takenBy: readonly { readonly consumer: string; readonly what: string }[];
}

const PRIORITY_MIN = 1;
const PRIORITY_MAX = 32765;
/** Tables the kernel reserves (0 unspecified, 253 default, 254 main, 255 local). */
const RESERVED_TABLES = new Set([0, 253, 254, 255]);

/** Free runs of bits in a 32-bit mask where `taken` has zeros, at least `width` wide, widest (then highest) first. */
export function freeRuns(taken: number, width: number): FreeBits[] {
  const runs: FreeBits[] = [];
  let bit = 0;
  while (bit < 32) {
    if (((taken >>> bit) & 1) === 1) {
      bit++;
      continue;
    }
    let end = bit;
    while (end < 32 && ((taken >>> end) & 1) === 0) end++;
    const w = end - bit;
    if (w >= width) {
      const mask = w === 32 ? 0xffffffff : (((1 << w) - 1) << bit) >>> 0;
      runs.push({ offset: bit, width: w, mask: hex(mask) });
    }
    bit = end;
  }
  return runs.sort((a, b) => b.width - a.width || b.offset - a.offset).slice(0, 3);
}

function consumerBits(consumer: KnownConsumer, space: 'fwmark' | 'connmark'): number {
  if (consumer.overwritesWholeMark.includes(space) && !consumer.wholeMarkVersions) return 0;
  return consumer.bits.filter((b) => b.space === space).reduce((m, b) => (m | b.mask) >>> 0, 0);
}

function freeBand(
  taken: (n: number) => boolean,
  size: number,
  preferred: readonly [number, number],
): Suggestion['priorities'] {
  const search = (lo: number, hi: number) => {
    for (let from = lo; from + size - 1 <= hi; from++) {
      let clear = true;
      for (let p = from; p < from + size; p++) {
        if (taken(p)) {
          clear = false;
          from = p; // skip past the taken priority
          break;
        }
      }
      if (clear) return { from, to: from + size - 1 };
    }
    return null;
  };
  return search(preferred[0], preferred[1]) ?? search(PRIORITY_MIN, PRIORITY_MAX);
}

/**
 * Free bits, a free ip rule priority band and free table ids for a new field or route, given what the box
 * uses and the catalogue bits, bands and tables of every consumer detected on it.
 */
export function suggest(usage: BoxUsage, options: SuggestOptions = {}): Suggestion {
  const width = options.width ?? 1;
  const consumers = usage.consumers
    .map((id) => KNOWN_CONSUMERS.find((c) => c.id === id))
    .filter((c): c is KnownConsumer => c !== undefined);
  const takenBy: { consumer: string; what: string }[] = [];
  let fw = usage.fwmark >>> 0;
  let ct = usage.ctmark >>> 0;
  for (const c of consumers) {
    const cfw = consumerBits(c, 'fwmark');
    const cct = consumerBits(c, 'connmark');
    fw = (fw | cfw) >>> 0;
    ct = (ct | cct) >>> 0;
    if (cfw || cct) takenBy.push({ consumer: c.id, what: `fwmark ${hex(cfw)}, connmark ${hex(cct)}` });
    for (const space of c.overwritesWholeMark)
      takenBy.push({
        consumer: c.id,
        what: `overwrites the whole ${space}: ${c.wholeMarkNote ?? 'no bit there is safe'}`,
      });
  }
  const bands = consumers.flatMap((c) => priorityBands(c));
  const priorityTaken = (p: number) =>
    usage.rulePriorities.includes(p) || bands.some((b) => p >= b.from && p <= b.to);
  for (const c of consumers) {
    const b = priorityBands(c);
    if (b.length)
      takenBy.push({
        consumer: c.id,
        what: `ip rule priorities ${b.map((x) => `${x.from}-${x.to}`).join(', ')}`,
      });
  }
  const tableTaken = new Set(usage.tables);
  const tbands = consumers.flatMap((c) => tableBands(c));
  const tables: number[] = [];
  for (let t = 100; t < 0x10000 && tables.length < (options.tableCount ?? 2); t++) {
    if (RESERVED_TABLES.has(t) || tableTaken.has(t) || tbands.some((b) => t >= b.from && t <= b.to)) continue;
    tables.push(t);
  }
  return {
    fwmark: freeRuns(fw, width),
    connmark: freeRuns(ct, width),
    persisted: freeRuns((fw | ct) >>> 0, width),
    priorities: freeBand(priorityTaken, options.band ?? 10, options.preferredPriorities ?? [10000, 10999]),
    tables,
    takenBy,
  };
}
