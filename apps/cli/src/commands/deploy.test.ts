import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EnvironmentError } from '@markwright/core';
import { afterAll, describe, expect, it } from 'vitest';
import { runCommand } from '../testing/run-command';
import { apply, plan } from './deploy';

// The WireGuard example with its ip rules moved before 10000, where the default range does not reach.
const dir = mkdtempSync(join(tmpdir(), 'mw-deploy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const wireguard = join(dir, 'early-rules.json');
const example = JSON.parse(
  readFileSync(resolve(import.meta.dirname, '../../../../examples/wireguard-box.json'), 'utf8'),
);
example.policy.routes.forEach((route: { priority: number }, i: number) => {
  route.priority = 5100 + i;
});
writeFileSync(wireguard, JSON.stringify(example));
// A namespace that does not exist: the command must stop at the document or the target, never reach a kernel.
const target = ['--target', 'netns:mw-absent-namespace'];

describe('deploy verbs: --rule-priorities', () => {
  it('keeps ip rules in 10000-10999 by default, naming the route that falls outside', async () => {
    await expect(runCommand(plan, [wireguard, ...target])).rejects.toThrow(
      /policy\.routes\[0\]\.priority: must be within Markwright's ip rule range 10000\.\.10999 \(got 5100\)/,
    );
  });

  it('accepts the document once the range covers its priorities (then the missing target is the problem)', async () => {
    const run = runCommand(plan, [wireguard, ...target, '--rule-priorities', '5000-5999']);
    await expect(run).rejects.toThrow(EnvironmentError);
    await expect(run).rejects.toThrow(/mw-absent-namespace/);
  });

  it('refuses a malformed or reversed range', async () => {
    for (const bad of ['9-3', '0-10', '100-40000', 'low-high']) {
      await expect(runCommand(apply, [wireguard, ...target, '--rule-priorities', bad])).rejects.toThrow(
        /--rule-priorities: must be LO-HI with 1 <= LO <= HI <= 32765/,
      );
    }
  });
});
