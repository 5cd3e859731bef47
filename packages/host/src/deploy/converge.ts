import type { Runner } from '../exec/runner';
import type { OwnedState, OwnedTable } from '../types';
import { crashPoint } from './crash-points';
import {
  loadNft,
  readOwnedIpRules,
  readOwnedTc,
  reconcileIpRules,
  reconcileTc,
  tcPlaces,
} from './kernel-state';
import { readOwnedRouteState, reconcileRoutes, routeTablesOf, unionTables } from './owned-routes';
import { readOwnedTable, restoreOwnedTable, sameTable, tableDigest } from './owned-table';
import { type Ownership, scriptDigest } from './ownership';

/** State that was read from a kernel (or stored after being read) carries its table's objects; load those. */
function storedTable(state: OwnedState): OwnedTable {
  if (state.nft === undefined) {
    throw new Error(
      'this owned state has no structured nft table (recorded by an older version); apply its document again',
    );
  }
  return state.nft;
}

/**
 * Put the kernel into `wanted`, a state read from a kernel or stored after being read: the table from its nft
 * objects in one transaction, then routes into the owned tables, ip rules, routes out, then tc. Steps may throw.
 * Our routes in `routeTablesSeen` that `wanted` does not hold are deleted too.
 */
export async function install(
  runner: Runner,
  ownership: Ownership,
  wanted: OwnedState,
  tcLinesSeen: readonly string[],
  options: {
    skipNft?: boolean;
    liveIpRules?: OwnedState['ipRules'];
    routeTablesSeen?: readonly number[];
  } = {},
): Promise<void> {
  if (!options.skipNft) await restoreOwnedTable(runner, storedTable(wanted));
  crashPoint('after-nft');
  // Routes go in before the ip rules that look their tables up, and out after them.
  const tables = unionTables(routeTablesOf(wanted), options.routeTablesSeen ?? []);
  const liveRoutes = await readOwnedRouteState(runner, tables, ownership);
  const routeStep = (step: 'add' | 'delete') =>
    Promise.all(
      (['v4', 'v6'] as const).map((family) =>
        reconcileRoutes(runner, family, step, liveRoutes?.[family] ?? [], wanted.routes, tables, ownership),
      ),
    );
  await routeStep('add');
  await Promise.all(
    (['v4', 'v6'] as const).map(async (family) => {
      const live = options.liveIpRules?.[family] ?? (await readOwnedIpRules(runner, family, ownership));
      await reconcileIpRules(runner, family, live, wanted.ipRules[family]);
    }),
  );
  crashPoint('after-ip-rules');
  await routeStep('delete');
  const places = tcPlaces([...wanted.tcFilters, ...tcLinesSeen]);
  const liveTc = await readOwnedTc(runner, places, ownership);
  await reconcileTc(runner, liveTc, wanted.tcFilters);
  crashPoint('after-tc');
}

/**
 * Read back what `install` left: what differs from `wanted` (empty when all is as loaded), and the table as
 * the kernel lists it (what the deployment record keeps).
 */
export async function verify(
  runner: Runner,
  ownership: Ownership,
  wanted: OwnedState,
  unchanged: { readonly v4?: boolean; readonly v6?: boolean } = {},
): Promise<{ problems: string[]; table: OwnedTable }> {
  const problems: string[] = [];
  // A family whose rules needed no change was read under the lock moments ago; no need to read it twice.
  const [table, v4, v6, liveTc, routes] = await Promise.all([
    readOwnedTable(runner),
    unchanged.v4 ? wanted.ipRules.v4 : readOwnedIpRules(runner, 'v4', ownership),
    unchanged.v6 ? wanted.ipRules.v6 : readOwnedIpRules(runner, 'v6', ownership),
    wanted.tcFilters.length ? readOwnedTc(runner, tcPlaces(wanted.tcFilters), ownership) : [],
    readOwnedRouteState(runner, routeTablesOf(wanted), ownership),
  ]);
  for (const family of ['v4', 'v6'] as const) {
    const want = wanted.routes?.[family] ?? [];
    const found = routes?.[family] ?? [];
    if (!sameLines(found, want))
      problems.push(`ip ${family} routes: expected ${JSON.stringify(want)}, found ${JSON.stringify(found)}`);
  }
  if (wanted.nft !== undefined) {
    if (!sameTable(wanted.nft, table)) problems.push('nft table inet markwright: not what was loaded');
  } else {
    const expected = scriptDigest(wanted.nftScript);
    const found = table === null ? null : tableDigest(table);
    if (found !== expected)
      problems.push(`nft table inet markwright: expected tag ${expected}, found ${found}`);
  }
  for (const [family, live] of [
    ['v4', v4],
    ['v6', v6],
  ] as const) {
    if (!sameLines(live, wanted.ipRules[family])) {
      problems.push(
        `ip ${family} rules: expected ${JSON.stringify(wanted.ipRules[family])}, found ${JSON.stringify(live)}`,
      );
    }
  }
  if (liveTc.length !== wanted.tcFilters.length) {
    problems.push(`tc filters: expected ${wanted.tcFilters.length}, found ${liveTc.length}`);
  }
  return { problems, table };
}

const sameLines = (a: readonly string[], b: readonly string[]): boolean =>
  JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());

/**
 * Install with compensation: if any step after the nft transaction fails, or read-back disagrees, the kernel is
 * put back into `previous` (read from the kernel under the lock) and the first error is rethrown. `wanted` is a
 * document's compiled state (its script is loaded) or a stored one (its objects are). Returns `wanted` with the
 * table as the kernel now lists it.
 */
export async function installOrRestore(
  runner: Runner,
  ownership: Ownership,
  wanted: OwnedState,
  previous: OwnedState,
): Promise<OwnedState> {
  const seen = [...wanted.tcFilters, ...previous.tcFilters];
  // One transaction: if nft refuses the script, nothing has changed and its message goes to the caller.
  if (wanted.nft !== undefined) await restoreOwnedTable(runner, wanted.nft);
  else await loadNft(runner, wanted.nftScript);
  try {
    // `previous` was read under the lock just before, so its ip rules are the live ones.
    await install(runner, ownership, wanted, seen, {
      skipNft: true,
      liveIpRules: previous.ipRules,
      routeTablesSeen: routeTablesOf(previous),
    });
    const { problems, table } = await verify(runner, ownership, wanted, {
      v4: sameLines(previous.ipRules.v4, wanted.ipRules.v4),
      v6: sameLines(previous.ipRules.v6, wanted.ipRules.v6),
    });
    if (problems.length > 0)
      throw new Error(`read-back differs from what was loaded: ${problems.join('; ')}`);
    return { ...wanted, nft: table };
  } catch (error) {
    try {
      await install(runner, ownership, previous, seen, { routeTablesSeen: routeTablesOf(wanted) });
    } catch (undoError) {
      throw new CompensationFailed(error, undoError);
    }
    throw error;
  }
}

/** A step failed and putting the previous state back failed too: the journal must stay for recovery. */
export class CompensationFailed extends Error {
  override readonly name = 'CompensationFailed';
  constructor(
    readonly stepError: unknown,
    readonly undoError: unknown,
  ) {
    super(
      `${String(stepError)}; restoring the previous state also failed (${String(undoError)}); the next markwright command retries it`,
    );
  }
}
