// Our nft table as structured data: read with `nft -j list table`, compared object by object, and put back
// with `nft -j -f`. Listed text is never fed back to nft: a rule comment can hold quotes and newlines that a
// text reload would run as commands in other tables.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ToolError } from '../exec/errors';
import type { Runner } from '../exec/runner';
import type { NftObject, OwnedState, OwnedTable } from '../types';
import { writeFileAtomic } from './atomic-file';
import { DIGEST_SET, OWNED_TABLE, tableBodyOf } from './ownership';

const OBJECT_KINDS = new Set([
  'table',
  'chain',
  'rule',
  'set',
  'map',
  'element',
  'counter',
  'quota',
  'limit',
  'flowtable',
  'ct helper',
  'ct timeout',
  'ct expectation',
  'secmark',
  'synproxy',
]);

/** Why `value` is not an object list of `table inet markwright` only, or null when it is. */
export function ownedTableProblem(value: unknown): string | null {
  if (value === null) return null;
  if (!Array.isArray(value)) return 'must be a list of nft objects or null';
  for (const [i, item] of value.entries()) {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return `[${i}] must be an object`;
    const keys = Object.keys(item);
    const kind = keys[0];
    if (keys.length !== 1 || kind === undefined || !OBJECT_KINDS.has(kind))
      return `[${i}] must be one nft object (table, chain, rule, set, ...), got ${JSON.stringify(keys).slice(0, 60)}`;
    const body = (item as Record<string, unknown>)[kind];
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      return `[${i}].${kind} must be an object`;
    const b = body as Record<string, unknown>;
    const table = kind === 'table' ? b.name : b.table;
    if (b.family !== 'inet' || table !== OWNED_TABLE)
      return `[${i}].${kind} belongs to ${String(b.family)} ${String(table)}; only inet ${OWNED_TABLE} is Markwright's`;
    if (i === 0 && kind !== 'table') return '[0] must be the table itself';
  }
  return null;
}

/** Drop what changes without anyone changing the table: handles, counter values, element expiry. */
function normalised(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => normalised(v));
  if (typeof value !== 'object' || value === null) return value;
  const o = value as Record<string, unknown>;
  if (key === 'counter' && 'packets' in o && 'bytes' in o && Object.keys(o).length === 2) return null;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (k === 'handle' || k === 'expires' || ((k === 'packets' || k === 'bytes') && key === 'counter'))
      continue;
    out[k] = normalised(v, k);
  }
  return out;
}

/** The live table as its listing's objects (normalised), or null when there is no table. */
export async function readOwnedTable(runner: Runner): Promise<OwnedTable> {
  const argv = ['nft', '-j', 'list', 'table', 'inet', OWNED_TABLE];
  const res = await runner.run(argv, { allowFail: true });
  if (res.code !== 0) {
    if (/No such file or directory/.test(res.stderr)) return null;
    throw new ToolError(argv, res.code, res.stderr);
  }
  const parsed = JSON.parse(res.stdout) as { nftables?: unknown[] };
  const objects = (parsed.nftables ?? []).filter(
    (o) => !(typeof o === 'object' && o !== null && 'metainfo' in o),
  );
  const table = normalised(objects) as NftObject[];
  const problem = ownedTableProblem(table);
  if (problem) throw new ToolError(argv, 0, `unexpected listing: ${problem}`);
  return table;
}

/** The nft JSON transaction that makes our table exactly `table` (removing it for null). */
export function restoreDocument(table: OwnedTable): string {
  const problem = ownedTableProblem(table);
  if (problem) throw new Error(`refusing to load table state: ${problem}`);
  const ref = { table: { family: 'inet', name: OWNED_TABLE } };
  const commands: unknown[] = [{ add: ref }, { delete: ref }];
  for (const object of table ?? []) commands.push({ add: object });
  return `${JSON.stringify({ nftables: commands })}\n`;
}

/**
 * Load `table` in one transaction. nft reads JSON input by opening the path it is given, which fails on the
 * socket Node gives a child as stdin, so the document goes through a file in a fresh private directory.
 */
export async function restoreOwnedTable(runner: Runner, table: OwnedTable): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'markwright-nft-'));
  try {
    const file = join(dir, 'table.json');
    writeFileAtomic(file, restoreDocument(table), 0o600, false, false);
    await runner.run(['nft', '-j', '-f', file]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Key-order independent JSON, so two listings compare by content. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  const o = value as Record<string, unknown>;
  return `{${Object.keys(o)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
    .join(',')}}`;
}

export function sameTable(a: OwnedTable, b: OwnedTable): boolean {
  return canonical(a) === canonical(b);
}

/** The digest element our scripts tag the table with, or null (no table, or no tag). */
export function tableDigest(table: OwnedTable): number | null {
  for (const object of table ?? []) {
    const set = object.set as { name?: unknown; elem?: unknown[] } | undefined;
    if (set?.name === DIGEST_SET && typeof set.elem?.[0] === 'number') return set.elem[0];
  }
  return null;
}

/**
 * Whether two owned states are the same: the table by its listed objects when both were read from a kernel (a
 * rule added by hand is a difference), else by the script text; ip rules, tc filters and owned routes as sets.
 */
export function sameState(a: OwnedState, b: OwnedState): boolean {
  const tables =
    a.nft !== undefined && b.nft !== undefined
      ? sameTable(a.nft, b.nft)
      : tableBodyOf(a.nftScript).trim() === tableBodyOf(b.nftScript).trim();
  const sorted = (s: OwnedState) =>
    JSON.stringify([
      [...s.ipRules.v4].sort(),
      [...s.ipRules.v6].sort(),
      [...s.tcFilters].sort(),
      [...(s.routes?.v4 ?? [])].sort(),
      [...(s.routes?.v6 ?? [])].sort(),
    ]);
  return tables && sorted(a) === sorted(b);
}
