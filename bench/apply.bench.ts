// Apply of a 10,000-rule plan through Markwright (lock, snapshot, journal, one nft transaction, ip rules, read-back,
// history record, watchdog start) against plain `nft -f` of the same script, in the same run, in a private
// network namespace. Target: ratio <= 1.3.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseDocument } from '@markwright/core';
import {
  apply,
  createSystemRunner,
  DEFAULT_OWNERSHIP,
  type DeployContext,
  openSession,
  ownedStateFromDocument,
  parseTarget,
  uninstall,
} from '@markwright/host';
import { kernelSkipReason, Netns } from '@markwright/testkit';

const RULES = 10_000;
const RUNS = 11;

const skip = kernelSkipReason(['ip', 'nft']);
if (skip) {
  console.log(`apply bench skipped: ${skip}`);
  process.exit(0);
}

// Build the watchdog bundle the apply launches.
spawnSync(process.execPath, ['build.mjs'], {
  cwd: resolve(import.meta.dirname, '../packages/host'),
  stdio: 'inherit',
});

const doc = parseDocument({
  format: 'markwright/1',
  name: 'bench-10k',
  layout: { fields: [{ name: 'class', kind: 'int', offset: 0, width: 14 }] },
  policy: {
    rules: Array.from({ length: RULES }, (_, i) => ({
      name: `r${i}`,
      match: { proto: 'udp', dport: 10_000 + i },
      set: { class: (i % 16_000) + 1 },
    })),
    routes: [{ when: { class: 1 }, table: 100, priority: 10100, family: 4 }],
    classes: [],
  },
});
const wanted = ownedStateFromDocument(doc, DEFAULT_OWNERSHIP);
const ruleLines = wanted.nftScript
  .split('\n')
  .filter((l) => l.startsWith('\t\t') && !l.includes(' hook ')).length;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ns = Netns.create('bench');
const dir = mkdtempSync(join(tmpdir(), 'mw-apply-bench-'));
try {
  const ctx: DeployContext = await openSession({
    target: parseTarget(`netns:${ns.name}`),
    stateDir: join(dir, 'state'),
    rootDir: join(dir, 'root'),
  });
  const plainRunner = createSystemRunner(ctx.runner.target);
  const reset = () => ns.exec(['nft', 'flush', 'ruleset']);
  const plain: number[] = [];
  const ours: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    reset();
    // Launched exactly as apply launches nft (same runner), so the ratio is snapshot + verify + bookkeeping.
    let t = performance.now();
    await plainRunner.run(['nft', '-f', '-'], { input: wanted.nftScript });
    plain.push(performance.now() - t);

    await uninstall(ctx);
    t = performance.now();
    await apply(ctx, { wanted, document: 'bench', documentName: 'bench-10k', confirmTimeout: 0 });
    ours.push(performance.now() - t);
  }
  const p = median(plain);
  const o = median(ours);
  console.log(`plan: ${ruleLines} nft rules, ${wanted.nftScript.length} bytes of script, ${RUNS} runs each`);
  console.log(
    `plain nft -f (baseline): median ${p.toFixed(1)} ms  [${plain.map((x) => x.toFixed(0)).join(', ')}]`,
  );
  console.log(
    `markwright apply:        median ${o.toFixed(1)} ms  [${ours.map((x) => x.toFixed(0)).join(', ')}]`,
  );
  console.log(`ratio apply / nft -f: ${(o / p).toFixed(2)} (target <= 1.3)`);
  // On a shared, loaded machine: each apply against the nft -f run just before it, and the fastest runs.
  const paired = ours.map((x, i) => x / plain[i]!);
  console.log(`median of paired ratios: ${median(paired).toFixed(2)}`);
  console.log(`ratio of fastest runs: ${(Math.min(...ours) / Math.min(...plain)).toFixed(2)}`);
} finally {
  ns.destroy();
  rmSync(dir, { recursive: true, force: true });
}
