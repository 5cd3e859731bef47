import type { Target } from '../types';
import { EnvironmentError } from './errors';
import { createSystemRunner, type Runner } from './runner';

/** A runner for a target, after checking that a named namespace exists. */
export async function openRunner(target: Target): Promise<Runner> {
  const runner = createSystemRunner(target);
  if (target.kind === 'netns') {
    const listing = await createSystemRunner({ kind: 'local' }).run(['ip', 'netns', 'list']);
    const names = listing.stdout.split('\n').map((line) => line.split(' ')[0]);
    if (!names.includes(target.name)) {
      throw new EnvironmentError(
        `network namespace ${JSON.stringify(target.name)} does not exist (see ip netns list)`,
        '--target',
      );
    }
  }
  return runner;
}
