// The live check of `apply --confirm-when-verified` on a router namespace, for documents of 1, 4 and 16 policy
// rules (one test packet each), against a probe of the same router in the same run (the check starts with one
// probe, so the difference is the packets: scratch source, observer, route lookup, counters).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseDocument } from '@markwright/core';
import {
  apply,
  checkLive,
  DEFAULT_OWNERSHIP,
  openSession,
  ownedStateFromDocument,
  parseTarget,
  probe,
} from '@markwright/host';
import { createRouterLab, kernelSkipReason } from '@markwright/testkit';

const SIZES = [1, 4, 16];
const RUNS = 5;

const skip = kernelSkipReason(['ip', 'nft', 'tc', 'python3']);
if (skip) {
  console.log(`confirm bench skipped: ${skip}`);
  process.exit(0);
}

const docOf = (n: number) =>
  parseDocument({
    format: 'markwright/1',
    name: `bench-confirm-${n}`,
    layout: {
      fields: [{ name: 'uplink', kind: 'enum', offset: 24, width: 2, values: { isp1: 1, isp2: 2 } }],
    },
    policy: {
      rules: Array.from({ length: n }, (_, i) => ({
        name: `r${i}`,
        match: { iif: 'r0', proto: 'udp', dport: 5000 + i },
        set: { uplink: i % 2 === 0 ? 'isp2' : 'isp1' },
      })),
      routes: [{ when: { uplink: 'isp2' }, table: 100, priority: 10002, family: 4 }],
      classes: [],
    },
  });

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const lab = createRouterLab('bcf');
const dir = mkdtempSync(join(tmpdir(), 'mw-confirm-bench-'));
try {
  const ctx = await openSession({
    target: parseTarget(`netns:${lab.router.name}`),
    stateDir: join(dir, 'state'),
    rootDir: join(dir, 'root'),
  });
  console.log(`${RUNS} runs per size; milliseconds, median [all runs]`);
  for (const n of SIZES) {
    const doc = docOf(n);
    await apply(ctx, {
      wanted: ownedStateFromDocument(doc, DEFAULT_OWNERSHIP),
      document: 'bench',
      documentName: doc.name,
      confirmTimeout: 0,
    });
    const probes: number[] = [];
    const checks: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      let t = performance.now();
      await probe(ctx.runner, DEFAULT_OWNERSHIP);
      probes.push(performance.now() - t);
      t = performance.now();
      const v = await checkLive(ctx.runner, doc, DEFAULT_OWNERSHIP);
      checks.push(performance.now() - t);
      if (!v.ok) throw new Error(`the check disagreed: ${JSON.stringify(v.disagreements)}`);
    }
    const p = median(probes);
    const c = median(checks);
    const fmt = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(', ');
    console.log(`${String(n).padStart(2)} rules: probe (baseline) ${p.toFixed(0)} [${fmt(probes)}]`);
    console.log(`          check ${c.toFixed(0)} [${fmt(checks)}]`);
    console.log(
      `          ratio check / probe ${(c / p).toFixed(2)}; per rule ${((c - p) / n).toFixed(0)} ms beyond the probe`,
    );
  }
} finally {
  lab.destroy();
  rmSync(dir, { recursive: true, force: true });
}
