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
  skipNft = false,
): Promise<void> {
  if (!skipNft) await loadNft(runner, wanted.nftScript);
  crashPoint('after-nft');
  for (const family of ['v4', 'v6'] as const) {
    const live = await readOwnedIpRules(runner, family, ownership);
    await reconcileIpRules(runner, family, live, wanted.ipRules[family]);
  }
  crashPoint('after-ip-rules');
  const places = tcPlaces([...wanted.tcFilters, ...tcLinesSeen]);
  const liveTc = await readOwnedTc(runner, places, ownership);
  await reconcileTc(runner, liveTc, wanted.tcFilters);
  crashPoint('after-tc');
}

/** Read back what `install` left and say what differs from `wanted` (empty when all is as loaded). */
export async function verify(runner: Runner, ownership: Ownership, wanted: OwnedState): Promise<string[]> {
  const problems: string[] = [];
  const digest = await readLiveDigest(runner);
  const expected = scriptDigest(wanted.nftScript);
  if (digest !== expected)
    problems.push(`nft table inet markwright: expected tag ${expected}, found ${digest}`);
  for (const family of ['v4', 'v6'] as const) {
    const live = await readOwnedIpRules(runner, family, ownership);
    if (!sameLines(live, wanted.ipRules[family])) {
      problems.push(
        `ip ${family} rules: expected ${JSON.stringify(wanted.ipRules[family])}, found ${JSON.stringify(live)}`,
      );
    }
  }
  const liveTc = await readOwnedTc(runner, tcPlaces(wanted.tcFilters), ownership);
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
    await install(runner, ownership, wanted, seen, true);
    const problems = await verify(runner, ownership, wanted);
    if (problems.length > 0)
      throw new Error(`read-back differs from what was loaded: ${problems.join('; ')}`);
  } catch (error) {
    await install(runner, ownership, previous, seen);
    throw error;
  }
}
