// Routes in the tables a document owns: read back, added and deleted by the one line form core defines. Only
// routes tagged with our protocol in the owned tables are read; only lines that pass `ownedRouteProblem` are run.
import {
  formatOwnedRoute,
  InputError,
  type OwnedRoutes,
  type OwnedState,
  ownedRouteProblem,
  type Route,
} from '@markwright/core';
import { parseIpRoutesJson } from '@markwright/core/lang';
import type { Runner } from '../exec/runner';
import type { Ownership } from './ownership';

type Family = 'v4' | 'v6';

const flagOf = (family: Family) => (family === 'v4' ? '-4' : '-6');

/** The tables of a state's routes (none when it owns no table). */
export const routeTablesOf = (state: OwnedState | null | undefined): readonly number[] =>
  state?.routes?.tables ?? [];

/** Union of table lists, in first-seen order. */
export const unionTables = (...lists: (readonly number[])[]): number[] => [...new Set(lists.flat())];

/** `state` with `tables` among its route tables: installing it deletes our routes there that it does not hold. */
export function withRouteTables(state: OwnedState, tables: readonly number[]): OwnedState {
  if (tables.length === 0) return state;
  const routes = state.routes ?? { tables: [], v4: [], v6: [] };
  return { ...state, routes: { ...routes, tables: unionTables(routes.tables, tables) } };
}

/** Routes with our protocol in `tables`, as owned-route lines. */
export async function readOwnedRoutes(
  runner: Runner,
  family: Family,
  tables: readonly number[],
  ownership: Ownership,
): Promise<string[]> {
  if (tables.length === 0) return [];
  const res = await runner.run([
    'ip',
    flagOf(family),
    '-j',
    'route',
    'show',
    'table',
    'all',
    'proto',
    String(ownership.ipRuleProtocol),
  ]);
  const wanted = new Set(tables.map(String));
  // Listed with a `proto` filter, ip leaves the protocol out of each route: every route listed has ours.
  const protocol = String(ownership.ipRuleProtocol);
  return parseIpRoutesJson(res.stdout.trim() || '[]', family === 'v4' ? 4 : 6)
    .filter((r) => wanted.has(r.table))
    .map((r) => formatOwnedRoute({ ...r, protocol }));
}

/** Both families of owned routes in `tables`; undefined when there are no tables to look in. */
export async function readOwnedRouteState(
  runner: Runner,
  tables: readonly number[],
  ownership: Ownership,
): Promise<OwnedRoutes | undefined> {
  if (tables.length === 0) return undefined;
  const [v4, v6] = await Promise.all([
    readOwnedRoutes(runner, 'v4', tables, ownership),
    readOwnedRoutes(runner, 'v6', tables, ownership),
  ]);
  return { tables: [...tables], v4, v6 };
}

/** The box's tables main and local (the sources of copied routes), both families. */
export async function readCopySources(runner: Runner): Promise<Route[]> {
  const out: Route[] = [];
  for (const family of [4, 6] as const) {
    for (const table of ['main', 'local']) {
      const res = await runner.run(['ip', `-${family}`, '-j', 'route', 'show', 'table', table], {
        allowFail: true,
      });
      if (res.code !== 0) continue;
      // A listing of one table does not name it: each route gets its table here.
      out.push(...parseIpRoutesJson(res.stdout.trim() || '[]', family).map((r) => ({ ...r, table })));
    }
  }
  return out;
}

/** Refuse a line that is not an owned route in these tables, before anything runs with it. */
function checked(line: string, tables: readonly number[], ownership: Ownership): string {
  const problem = ownedRouteProblem(line, tables, ownership.ipRuleProtocol);
  if (problem) throw new InputError('routes', line, problem);
  return line;
}

/**
 * One half of making our routes of a family exactly `wanted`: `add` puts in what is missing (before the ip rules
 * that look the tables up change), `delete` takes out what is no longer wanted (after them). `ip route add`
 * never replaces a route of another owner, and `del ... proto 77` deletes only ours.
 */
export async function reconcileRoutes(
  runner: Runner,
  family: Family,
  step: 'add' | 'delete',
  live: readonly string[],
  wanted: OwnedRoutes | undefined,
  liveTables: readonly number[],
  ownership: Ownership,
): Promise<void> {
  const wantedLines = wanted?.[family] ?? [];
  const lines =
    step === 'add'
      ? wantedLines
          .filter((l) => !live.includes(l))
          .map((l) => `route add ${checked(l, wanted?.tables ?? [], ownership)}`)
      : live
          .filter((l) => !wantedLines.includes(l))
          .map((l) => `route del ${checked(l, liveTables, ownership)}`);
  if (lines.length === 0) return;
  await runner.run(['ip', flagOf(family), '-batch', '-'], { input: `${lines.join('\n')}\n` });
}
