// `markwright impact` over 100,000 live connections, whole process (start, probe of a router namespace, reading the
// connection list, two simulations per connection, JSON out), against the same command with no connection in the
// same run (what the process costs before the connections). Target: < 2 s for 100,000 connections.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseDocument } from '@markwright/core';
import { DEFAULT_OWNERSHIP, ownedStateFromDocument } from '@markwright/host';
import { createRouterLab, kernelSkipReason } from '@markwright/testkit';

const CONNECTIONS = Number(process.env.MW_BENCH_CONNECTIONS ?? 100_000);
const RUNS = 3;
const CLI = resolve(import.meta.dirname, '../apps/cli/dist/markwright.mjs');

const skip = kernelSkipReason(['ip', 'nft', 'conntrack']);
if (skip) {
  console.log(`impact bench skipped: ${skip}`);
  process.exit(0);
}

const doc = (ports: number | string) => ({
  format: 'markwright/1',
  name: 'uplinks',
  layout: {
    fields: [
      { name: 'uplink', space: 'fwmark', kind: 'enum', offset: 24, width: 2, values: { isp1: 1, isp2: 2 } },
    ],
  },
  policy: {
    rules: [
      { name: 'voip via isp2', match: { iif: 'r0', proto: 'udp', dport: ports }, set: { uplink: 'isp2' } },
    ],
    routes: [{ when: { uplink: 'isp2' }, table: 100, priority: 10002 }],
  },
});

/** Connections as `conntrack -L -o extended` lists them: UDP and TCP from many clients, a tenth on the moved port. */
function listing(n: number): string {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    // Clients on the router's LAN (10.70.0.0/24), many connections each.
    const src = `10.70.0.${2 + (i % 250)}`;
    const sport = 1024 + Math.floor(i / 250);
    const dport = i % 10 === 0 ? 5061 : i % 10 === 1 ? 5060 : 443;
    const proto = i % 3 === 0 ? 'tcp      6 431999 ESTABLISHED' : 'udp      17 29';
    lines.push(
      `ipv4     2 ${proto} src=${src} dst=203.0.113.7 sport=${sport} dport=${dport} src=203.0.113.7 dst=${src} sport=${dport} dport=${sport} [ASSURED] mark=0 use=1`,
    );
  }
  return `${lines.join('\n')}\n`;
}

const dir = mkdtempSync(join(tmpdir(), 'mw-impact-bench-'));
const lab = createRouterLab('impactbench');
try {
  const owned = ownedStateFromDocument(parseDocument(doc(5060)), DEFAULT_OWNERSHIP);
  lab.router.nft(owned.nftScript);
  for (const line of owned.ipRules.v4) lab.router.exec(['ip', '-4', 'rule', 'add', ...line.split(/\s+/)]);
  writeFileSync(join(dir, 'after.json'), JSON.stringify(doc('5060-5061')));
  writeFileSync(join(dir, 'none.txt'), '');
  writeFileSync(join(dir, 'many.txt'), listing(CONNECTIONS));

  // /usr/bin/time reports the process's own CPU seconds: steadier than wall time when other work shares the cores.
  const time = (file: string): { seconds: number; cpu: number; changed: number } => {
    let best = Number.POSITIVE_INFINITY;
    let cpu = Number.POSITIVE_INFINITY;
    let changed = 0;
    for (let r = 0; r < RUNS; r++) {
      const t0 = performance.now();
      const argv = [CLI, 'impact', join(dir, 'after.json'), '--target', `netns:${lab.router.name}`];
      const out = spawnSync(
        '/usr/bin/time',
        ['-f', 'cpu %U %S', process.execPath, ...argv, '--conntrack', file, '--json'],
        {
          encoding: 'utf8',
          maxBuffer: 1 << 30,
        },
      );
      const seconds = (performance.now() - t0) / 1000;
      if (out.status !== 0) throw new Error(`impact failed: ${out.stderr}`);
      changed = (JSON.parse(out.stdout) as { changed: unknown[] }).changed.length;
      const m = /cpu ([\d.]+) ([\d.]+)/.exec(out.stderr);
      if (m) cpu = Math.min(cpu, Number(m[1]) + Number(m[2]));
      best = Math.min(best, seconds);
    }
    return { seconds: best, cpu, changed };
  };
  const base = time(join(dir, 'none.txt'));
  const many = time(join(dir, 'many.txt'));
  console.log(`impact, whole process, best of ${RUNS}:`);
  console.log(`  no connections:            ${base.seconds.toFixed(3)} s (${base.cpu.toFixed(2)} CPU-s)`);
  console.log(
    `  ${CONNECTIONS.toLocaleString('en-US')} connections:     ${many.seconds.toFixed(3)} s, ${many.cpu.toFixed(2)} CPU-s (${many.changed.toLocaleString('en-US')} would move), ratio ${(many.seconds / base.seconds).toFixed(2)}x the empty run, ${(((many.seconds - base.seconds) / CONNECTIONS) * 1e6).toFixed(2)} us per connection`,
  );
  const met = many.seconds < 2 ? 'met' : many.cpu < 2 ? 'met in CPU time only (cores busy)' : 'NOT met';
  console.log(`  target < 2 s for 100,000 connections: ${met}`);
} finally {
  lab.destroy();
  rmSync(dir, { recursive: true, force: true });
}
