import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_OWNERSHIP } from '@markwright/core';
import { apply, ownedStateFromDocument, readDocument, StateStore } from '@markwright/host/deploy';
import { FakeKernel } from '@markwright/host/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { runCommand } from '../testing/run-command';
import compile from './compile';

const repoRoot = resolve(import.meta.dirname, '../../../..');
const examples = ['edge-router', 'k8s-node', 'wireguard-box'];

/** What apply feeds each kernel tool on a box with nothing of Markwright's on it yet. */
async function applyLoads(file: string): Promise<Map<string, string>> {
  const dir = mkdtempSync(join(tmpdir(), 'mw-compile-apply-'));
  dirs.push(dir);
  const kernel = new FakeKernel();
  const doc = readDocument(readFileSync(file, 'utf8'), file);
  await apply(
    {
      runner: kernel.runner,
      store: new StateStore(join(dir, 'state'), { kind: 'local' }),
      ownership: DEFAULT_OWNERSHIP,
      rootDir: join(dir, 'root'),
      now: () => new Date('2026-01-01T00:00:00Z'),
      launchWatchdog: () => null,
    },
    {
      wanted: ownedStateFromDocument(doc, DEFAULT_OWNERSHIP),
      document: file,
      documentName: 'd',
      confirmTimeout: 0,
    },
  );
  const loads = new Map<string, string>();
  for (const call of kernel.runner.calls) {
    const argv = call.argv.join(' ');
    if (['nft -f -', 'ip -4 -batch -', 'ip -6 -batch -', 'tc -batch -'].includes(argv) && !loads.has(argv))
      loads.set(argv, call.input ?? '');
  }
  return loads;
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('compile --to nft|ip-rule|tc prints exactly what apply loads', () => {
  it.each(examples)('%s', async (name) => {
    const file = join(repoRoot, 'examples', `${name}.json`);
    const loads = await applyLoads(file);
    const compiled = async (...args: string[]) => (await runCommand(compile, [file, '--to', ...args])).out;
    expect(await compiled('nft')).toBe(loads.get('nft -f -'));
    expect(await compiled('ip-rule', '--family', '4')).toBe(loads.get('ip -4 -batch -') ?? '');
    expect(await compiled('ip-rule', '--family', '6')).toBe(loads.get('ip -6 -batch -') ?? '');
    expect(await compiled('tc')).toBe(loads.get('tc -batch -') ?? '');
    // The tc filters sit in Markwright's owned priority range, as apply installs them.
    for (const line of (await compiled('tc')).trim().split('\n').filter(Boolean)) {
      const prio = Number(/ prio (\d+) /.exec(line)![1]);
      expect(prio).toBeGreaterThanOrEqual(DEFAULT_OWNERSHIP.tcPriorities[0]);
      expect(prio).toBeLessThanOrEqual(DEFAULT_OWNERSHIP.tcPriorities[1]);
    }
  });
});
