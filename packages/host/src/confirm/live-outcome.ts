import {
  type BoxConfig,
  encodeFields,
  type MarkwrightDocument,
  type PacketOutcome,
  type PacketSpec,
} from '@markwright/core';
import { boxWithDocument } from '@markwright/core/compile';
import { tableName } from '@markwright/core/simulate';
import { OWNED_TABLE, type Ownership } from '../deploy/ownership';
import type { Runner } from '../exec/runner';
import type { Observed } from './observer';

// The two sides of the comparison besides the marks: what the document means on this box (its own table, ip rules
// and tc filters over the box's routes and other ip rules), and how the kernel routed and classified the packet.

/** The box as the document means it: the live routes and ip rules with the document's owned parts, nothing foreign. */
export function documentBox(live: BoxConfig, doc: MarkwrightDocument, ownership: Ownership): BoxConfig {
  const full = boxWithDocument(live, doc, ownership);
  const [lo, hi] = ownership.tcPriorities;
  return {
    ...full,
    ruleset: { tables: full.ruleset.tables.filter((t) => t.family === 'inet' && t.name === OWNED_TABLE) },
    tcFilters: full.tcFilters.filter((f) => f.priority >= lo && f.priority <= hi),
  };
}

/**
 * The table the document's route bindings name for a packet that leaves with `mark`: when the table is empty on
 * this box, the simulator (like the kernel) falls through to the next rule, but the document still means it.
 */
export function boundTable(doc: MarkwrightDocument, family: 4 | 6, mark: number): string | null {
  const bindings = [...doc.policy.routes].sort((a, b) => a.priority - b.priority);
  for (const b of bindings) {
    if (b.family !== undefined && b.family !== 'both' && b.family !== family) continue;
    // A binding that also selects by device, address or prefix length is the simulator's to judge, as modelled.
    const selective =
      b.iif !== undefined ||
      b.oif !== undefined ||
      b.from !== undefined ||
      b.to !== undefined ||
      b.not === true ||
      b.suppressPrefixlength !== undefined;
    if (selective) return null;
    const want = encodeFields(doc.layout, b.when ?? {}, 'fwmark');
    if ((mark & want.mask) >>> 0 === want.value) return tableName(String(b.table));
  }
  return null;
}

/** The simulator's outcome with the table the document binds (when one applies to a packet that leaves). */
export function intended(doc: MarkwrightDocument, p: PacketSpec, simulated: PacketOutcome): PacketOutcome {
  if (simulated.verdict !== 'accept' || simulated.oif === null) return simulated;
  const table = boundTable(doc, p.saddr.includes(':') ? 6 : 4, simulated.mark);
  return table === null ? simulated : { ...simulated, table };
}

/** Packets sent through each class of a device so far (`tc -s class show`; htb prints no JSON here). */
export async function classCounters(
  runner: Runner,
  dev: string,
): Promise<Map<string, { packets: number; parent: string }>> {
  const r = await runner.run(['tc', '-s', 'class', 'show', 'dev', dev], { allowFail: true });
  const out = new Map<string, { packets: number; parent: string }>();
  if (r.code !== 0) return out;
  const re = /^class \S+ (\S+) (?:parent (\S+)|root)[^\n]*\n\s*Sent \d+ bytes (\d+) pkt/gm;
  for (const m of r.stdout.matchAll(re)) out.set(m[1]!, { packets: Number(m[3]), parent: m[2] ?? 'root' });
  return out;
}

/** The class a packet went through: the expected one if its count grew, else the deepest class that grew. */
export function grownClass(
  before: ReadonlyMap<string, { packets: number; parent: string }>,
  after: ReadonlyMap<string, { packets: number; parent: string }>,
  expected: string | null,
): string | null {
  const grown = [...after].filter(([id, c]) => c.packets > (before.get(id)?.packets ?? 0)).map(([id]) => id);
  if (expected !== null && grown.includes(expected)) return expected;
  const parents = new Set(grown.map((id) => after.get(id)!.parent));
  return grown.find((id) => !parents.has(id)) ?? null;
}

/** The table the kernel's routing picks for the packet with the mark it was seen with (`ip -j route get fibmatch`). */
export async function liveTable(runner: Runner, p: PacketSpec, mark: number): Promise<string | null> {
  const argv = ['ip', '-j', 'route', 'get', 'fibmatch', p.daddr, 'from', p.saddr];
  if (p.iif) argv.push('iif', p.iif);
  argv.push('mark', `0x${mark.toString(16)}`);
  const r = await runner.run(argv, { allowFail: true });
  if (r.code !== 0) return null;
  const routes = JSON.parse(r.stdout) as { table?: string }[];
  return routes[0] ? tableName(routes[0].table ?? 'main') : null;
}

/** What the kernel did, in the simulator's terms. */
export function seenOutcome(o: Observed, table: string | null, klass: string | null): PacketOutcome {
  if (o === null) return { verdict: 'drop', mark: 0, ctmark: 0, table: null, oif: null, class: null };
  if (o.kind === 'in')
    return { verdict: 'accept', mark: o.mark, ctmark: o.ctmark, table, oif: null, class: null };
  return { verdict: 'accept', mark: o.mark, ctmark: o.ctmark, table, oif: o.oif, class: klass };
}
