import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../testing/run-command';
import { apply, plan } from './deploy';

const wireguard = resolve(import.meta.dirname, '../../../../examples/wireguard-box.json');
// A namespace that does not exist: the command must stop at the document or the target, never reach a kernel.
const target = ['--target', 'netns:mw-absent-namespace'];

describe('deploy verbs: --rule-priorities', () => {
  it('keeps ip rules in 10000-10999 by default, naming the route that falls outside', async () => {
    await expect(runCommand(plan, [wireguard, ...target])).rejects.toThrow(
      /policy\.routes\[0\]\.priority: must be within Markwright's ip rule range 10000\.\.10999 \(got 5100\)/,
    );
  });

  it('accepts the document once the range covers its priorities (then the missing target is the problem)', async () => {
    const run = await runCommand(plan, [wireguard, ...target, '--rule-priorities', '5000-5999']);
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/mw-absent-namespace/);
  });

  it('refuses a malformed or reversed range', async () => {
    for (const bad of ['9-3', '0-10', '100-40000', 'low-high']) {
      await expect(runCommand(apply, [wireguard, ...target, '--rule-priorities', bad])).rejects.toThrow(
        /--rule-priorities: must be LO-HI with 1 <= LO <= HI <= 32765/,
      );
    }
  });
});
