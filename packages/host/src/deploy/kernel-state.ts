// Reading and reconciling what Markwright owns in the kernel: our nft table, our ip rules, our tc filters (and,
// through owned-routes, the routes in the tables the document owns).
// Everything else is only ever read.
import type { Runner } from '../exec/runner';
import type { OwnedState } from '../types';
import { readOwnedRouteState, routeTablesOf, unionTables } from './owned-routes';
import { readOwnedTable, sameTable } from './owned-table';
import { DIGEST_SET, OWNED_TABLE, type Ownership, REPLACE_HEADER } from './ownership';

export type Family = 'v4' | 'v6';

/**
 * Our ip rules of one family, in the `priority N ...` form `ip rule add` takes and `ip rule show` prints: tagged
 * with our protocol and inside one of the owned priority ranges. A rule with our tag elsewhere is someone
 * else's (software may reuse a protocol number) and is never touched.
 */
export async function readOwnedIpRules(
  runner: Runner,
  family: Family,
  ownership: Ownership,
): Promise<string[]> {
  const res = await runner.run(['ip', family === 'v4' ? '-4' : '-6', 'rule', 'show']);
  const tag = ` proto ${ownership.ipRuleProtocol}`;
  const [lo, hi] = ownership.ipRulePriorities;
  const out: string[] = [];
  for (const line of res.stdout.split('\n')) {
    const m = /^(\d+):\s+(.*?)\s*$/.exec(line);
    if (!m || !m[2]!.endsWith(tag)) continue;
    const priority = Number(m[1]);
    if (priority < lo || priority > hi) continue;
    out.push(`priority ${priority} ${m[2]}`);
  }
  return out;
}

/** The live table's listing for people to read (without our digest tag); never loaded back into nft. */
async function readOwnedTableText(runner: Runner): Promise<string> {
  const res = await runner.run(['nft', 'list', 'table', 'inet', OWNED_TABLE], { allowFail: true });
  if (res.code !== 0) return REPLACE_HEADER;
  const body = res.stdout.replace(new RegExp(`\\n\\tset ${DIGEST_SET} \\{[\\s\\S]*?\\n\\t\\}\\n`), '\n');
  return `${REPLACE_HEADER}${body}`;
}

interface TcJsonFilter {
  kind?: string;
  pref?: number;
  protocol?: string;
  options?: {
    handle?: number | string;
    fh?: string;
    mask?: number | string;
    classid?: string;
    flowid?: string;
  };
}

/** Devices and parents our filters may sit on: those named by the given tc lines. */
export function tcPlaces(lines: readonly string[]): { dev: string; parent: string }[] {
  const seen = new Map<string, { dev: string; parent: string }>();
  for (const line of lines) {
    const m = /dev (\S+) parent (\S+)/.exec(line);
    if (m) seen.set(`${m[1]} ${m[2]}`, { dev: m[1]!, parent: m[2]! });
  }
  return [...seen.values()];
}

export function tcKey(line: string): string {
  const m = /dev (\S+) parent (\S+) .*?prio (\d+)/.exec(line);
  return m ? `${m[1]} ${m[2]} ${m[3]}` : line;
}

/** Our tc filters (prio in our range) on the given places, rendered in the `filter add` form we emit. */
export async function readOwnedTc(
  runner: Runner,
  places: readonly { dev: string; parent: string }[],
  ownership: Ownership,
): Promise<string[]> {
  const [lo, hi] = ownership.tcPriorities;
  const out = new Map<string, string>();
  for (const { dev, parent } of places) {
    const res = await runner.run(['tc', '-j', 'filter', 'show', 'dev', dev, 'parent', parent], {
      allowFail: true,
    });
    if (res.code !== 0 || res.stdout.trim() === '') continue;
    for (const f of JSON.parse(res.stdout) as TcJsonFilter[]) {
      if (f.pref === undefined || f.pref < lo || f.pref > hi || !f.options) continue;
      const key = `${dev} ${parent} ${f.pref}`;
      const o = f.options;
      const classid = o.classid ?? o.flowid ?? '';
      const text =
        f.kind === 'fw'
          ? `filter add dev ${dev} parent ${parent} protocol ${f.protocol ?? 'all'} prio ${f.pref} handle ${String(o.handle ?? o.fh)}${o.mask !== undefined ? `/${String(o.mask)}` : ''} fw classid ${classid}`
          : `filter add dev ${dev} parent ${parent} protocol ${f.protocol ?? 'all'} prio ${f.pref} ${f.kind ?? 'unknown'}`;
      if (!out.has(key)) out.set(key, text);
    }
  }
  return [...out.values()];
}

/**
 * Live owned state, read from the kernel: the table's listing as nft JSON, ip rules, tc filters and our routes in
 * the tables `known` and `extraRouteTables` name (the field is absent when there are none). Its
 * `nftScript` is `known`'s text when the table is exactly what `known` left, else the table's listing.
 */
export async function readOwnedState(
  runner: Runner,
  ownership: Ownership,
  known: OwnedState | null,
  extraTcLines: readonly string[] = [],
  extraRouteTables: readonly number[] = [],
): Promise<OwnedState> {
  // Independent reads run side by side: a snapshot is on the path of every apply.
  const places = tcPlaces([...(known?.tcFilters ?? []), ...extraTcLines]);
  const [nft, v4, v6, live, routes] = await Promise.all([
    readOwnedTable(runner),
    readOwnedIpRules(runner, 'v4', ownership),
    readOwnedIpRules(runner, 'v6', ownership),
    readOwnedTc(runner, places, ownership),
    readOwnedRouteState(runner, unionTables(routeTablesOf(known), extraRouteTables), ownership),
  ]);
  const nftScript =
    nft === null
      ? REPLACE_HEADER
      : known?.nft !== undefined && sameTable(known.nft, nft)
        ? known.nftScript
        : await readOwnedTableText(runner);
  // Prefer the exact text we loaded for a filter that is still there.
  const byKey = new Map((known?.tcFilters ?? []).map((l) => [tcKey(l), l]));
  const tcFilters = live.map((l) => byKey.get(tcKey(l)) ?? l);
  return { nftScript, ipRules: { v4, v6 }, tcFilters, nft, ...(routes !== undefined && { routes }) };
}

/** Load a replace script compiled from a document, in one transaction. */
export async function loadNft(runner: Runner, script: string): Promise<void> {
  await runner.run(['nft', '-f', '-'], { input: script });
}

/** Make our ip rules of one family exactly `wanted`: add what is missing, then delete what is not wanted. */
export async function reconcileIpRules(
  runner: Runner,
  family: Family,
  live: readonly string[],
  wanted: readonly string[],
): Promise<void> {
  const add = wanted.filter((r) => !live.includes(r)).map((r) => `rule add ${r}`);
  const del = live.filter((r) => !wanted.includes(r)).map((r) => `rule del ${r}`);
  const batch = [...add, ...del];
  if (batch.length === 0) return;
  await runner.run(['ip', family === 'v4' ? '-4' : '-6', '-batch', '-'], { input: `${batch.join('\n')}\n` });
}

/** Make our tc filters exactly `wanted` (filters are keyed by dev, parent and prio). */
export async function reconcileTc(
  runner: Runner,
  live: readonly string[],
  wanted: readonly string[],
): Promise<void> {
  const wantedKeys = new Set(wanted.map(tcKey));
  const liveKeys = new Map(live.map((l) => [tcKey(l), l]));
  const lines: string[] = [];
  for (const l of live) {
    const key = tcKey(l);
    const keep = wanted.find((w) => tcKey(w) === key);
    if (!wantedKeys.has(key) || keep !== l) {
      const [dev, parent, prio] = key.split(' ');
      lines.push(`filter del dev ${dev} parent ${parent} prio ${prio}`);
    }
  }
  for (const w of wanted) if (liveKeys.get(tcKey(w)) !== w) lines.push(w);
  if (lines.length === 0) return;
  await runner.run(['tc', '-batch', '-'], { input: `${lines.join('\n')}\n` });
}
