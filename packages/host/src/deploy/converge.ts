import type { Runner } from '../exec/runner';
import type { OwnedState } from '../types';
import { crashPoint } from './crash-points';
import {
  loadNft,
  readLiveDigest,
  readOwnedIpRules,
  readOwnedTc,
  reconcileIpRules,
  reconcileTc,
  tcPlaces,
} from './kernel-state';
import { type Ownership, scriptDigest } from './ownership';

/** Put the kernel into `wanted`: one nft transaction, then ip rules, then tc. Steps may throw. */
export async function install(
  runner: Runner,
  ownership: Ownership,
  wanted: OwnedState,
  tcLinesSeen: readonly string[],
  options: { skipNft?: boolean; liveIpRules?: OwnedState['ipRules'] } = {},
): Promise<void> {
  if (!options.skipNft) await loadNft(runner, wanted.nftScript);
  crashPoint('after-nft');
  await Promise.all(
    (['v4', 'v6'] as const).map(async (family) => {
      const live = options.liveIpRules?.[family] ?? (await readOwnedIpRules(runner, family, ownership));
      await reconcileIpRules(runner, family, live, wanted.ipRules[family]);
    }),
  );
  crashPoint('after-ip-rules');
  const places = tcPlaces([...wanted.tcFilters, ...tcLinesSeen]);
  const liveTc = await readOwnedTc(runner, places, ownership);
  await reconcileTc(runner, liveTc, wanted.tcFilters);
  crashPoint('after-tc');
}

/** Read back what `install` left and say what differs from `wanted` (empty when all is as loaded). */
export async function verify(
  runner: Runner,
  ownership: Ownership,
  wanted: OwnedState,
  unchanged: { readonly v4?: boolean; readonly v6?: boolean } = {},
): Promise<string[]> {
  const problems: string[] = [];
  // A family whose rules needed no change was read under the lock moments ago; no need to read it twice.
  const [digest, v4, v6, liveTc] = await Promise.all([
    readLiveDigest(runner),
    unchanged.v4 ? wanted.ipRules.v4 : readOwnedIpRules(runner, 'v4', ownership),
    unchanged.v6 ? wanted.ipRules.v6 : readOwnedIpRules(runner, 'v6', ownership),
    wanted.tcFilters.length ? readOwnedTc(runner, tcPlaces(wanted.tcFilters), ownership) : [],
  ]);
  const expected = scriptDigest(wanted.nftScript);
  if (digest !== expected)
    problems.push(`nft table inet markwright: expected tag ${expected}, found ${digest}`);
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
  return problems;
}

const sameLines = (a: readonly string[], b: readonly string[]): boolean =>
  JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());

/**
 * Install with compensation: if any step after the nft transaction fails, or read-back disagrees, the kernel is
 * put back into `previous` and the first error is rethrown.
 */
export async function installOrRestore(
  runner: Runner,
  ownership: Ownership,
  wanted: OwnedState,
  previous: OwnedState,
): Promise<void> {
  const seen = [...wanted.tcFilters, ...previous.tcFilters];
  // One transaction: if nft refuses the script, nothing has changed and its message goes to the caller.
  await loadNft(runner, wanted.nftScript);
  try {
    // `previous` was read under the lock just before, so its ip rules are the live ones.
    await install(runner, ownership, wanted, seen, { skipNft: true, liveIpRules: previous.ipRules });
    const problems = await verify(runner, ownership, wanted, {
      v4: sameLines(previous.ipRules.v4, wanted.ipRules.v4),
      v6: sameLines(previous.ipRules.v6, wanted.ipRules.v6),
    });
    if (problems.length > 0)
      throw new Error(`read-back differs from what was loaded: ${problems.join('; ')}`);
  } catch (error) {
    try {
      await install(runner, ownership, previous, seen);
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
