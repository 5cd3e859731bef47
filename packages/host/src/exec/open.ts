import type { Target } from '../types';
import { chooseElevation, type ElevationProbe } from './elevation';
import { EnvironmentError } from './errors';
import { createSystemRunner, type Runner } from './runner';

/** A runner for a target, elevated when needed, after checking that a named namespace exists. */
export async function openRunner(target: Target, probe?: ElevationProbe): Promise<Runner> {
  const elevation = await chooseElevation(probe);
  const runner = createSystemRunner(target, { elevation });
  if (target.kind === 'netns') {
    const listing = await createSystemRunner({ kind: 'local' }, { elevation }).run(['ip', 'netns', 'list']);
    const names = listing.stdout.split('\n').map((line) => line.split(' ')[0]);
    if (!names.includes(target.name)) {
      throw new EnvironmentError(
        `network namespace ${JSON.stringify(target.name)} does not exist (see ip netns list)`,
      );
    }
  }
  return runner;
}
