// Whole-process `markwright parse FILE` on the 5,000-rule TUM iptables-save file against `iptables-restore
// --test` on the same file in a private namespace (median of runs each, printed as a ratio; target <= 0.8).
// Also our parse of the same ruleset as `nft -j list ruleset` JSON (loaded with iptables-restore into a
// scratch namespace, dumped by nft), in-process and whole-process. Figures only, no assertions.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseIptablesSave, parseNftJson } from '@markwright/core/lang';
import { kernelSkipReason, Netns } from '@markwright/testkit';
import { build } from 'esbuild';

const ROOT = resolve(import.meta.dirname, '..');
const TUM = resolve(ROOT, '../shared/corpus/real/diekmann__tum_net_2015-09-03.iptables-save');
const CLI_DIR = resolve(ROOT, 'apps/cli');
const BUNDLE = resolve(CLI_DIR, 'dist/markwright.mjs');
const RUNS = Number(process.env.MW_BENCH_RUNS ?? 11);

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** Wall time of one process run in ms; throws when it fails, so a figure is never of an error path. */
function timeProcess(argv: readonly string[], input?: string): number {
  const t0 = performance.now();
  const r = spawnSync(argv[0]!, argv.slice(1), { input, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const ms = performance.now() - t0;
  if (r.status !== 0)
    throw new Error(`${argv.join(' ')} exited ${r.status}: ${(r.stderr ?? '').trim().slice(0, 300)}`);
  return ms;
}

function medianOf(label: string, fn: () => number): number {
  fn(); // warm the page cache and the binaries
  const times = Array.from({ length: RUNS }, fn);
  const m = median(times);
  console.log(
    `${label.padEnd(58)} median ${m.toFixed(1).padStart(8)} ms  (min ${Math.min(...times).toFixed(1)}, max ${Math.max(...times).toFixed(1)}, n=${RUNS})`,
  );
  return m;
}

/** The CLI bundle's argv for `parse`; a bundle of the parse command alone when the dispatcher lacks the verb. */
async function parseCommand(work: string): Promise<{ argv: string[]; note: string }> {
  const built = spawnSync(process.execPath, ['build.mjs'], { cwd: CLI_DIR, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`CLI build failed: ${built.stderr}`);
  const probe = spawnSync(process.execPath, [BUNDLE, 'parse', '--help'], { encoding: 'utf8' });
  if (!/unknown command/.test(probe.stderr))
    return { argv: [process.execPath, BUNDLE, 'parse'], note: 'markwright parse' };
  const entry = join(work, 'parse-entry.ts');
  writeFileSync(
    entry,
    `import parse from ${JSON.stringify(resolve(CLI_DIR, 'src/commands/parse.ts'))};
parse({ args: process.argv.slice(2), stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t),
  readStdin: async () => '' }).then((code) => { process.exitCode = code; }, (e) => { console.error(String(e)); process.exitCode = 1; });
`,
  );
  const out = join(work, 'parse.mjs');
  await build({
    entryPoints: [entry],
    outfile: out,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    logLevel: 'warning',
    absWorkingDir: CLI_DIR,
  });
  return {
    argv: [process.execPath, out],
    note: 'parse command bundle (verb not registered in the dispatcher)',
  };
}

async function main(): Promise<void> {
  if (!existsSync(TUM)) {
    console.log(`parse bench skipped: ${TUM} not found`);
    return;
  }
  const work = mkdtempSync(join(tmpdir(), 'mw-parse-bench-'));
  try {
    // The corpus anonymised MAC addresses as XX:XX:XX:XX:XX:XX, which iptables refuses.
    let n = 0;
    const text = readFileSync(TUM, 'utf8').replace(/XX:XX:XX:XX:XX:XX/g, () => {
      n++;
      return `02:00:00:00:${((n >> 8) & 0xff).toString(16).padStart(2, '0')}:${(n & 0xff).toString(16).padStart(2, '0')}`;
    });
    const file = join(work, 'tum.iptables-save');
    writeFileSync(file, text);
    const rules = text.split('\n').filter((l) => l.startsWith('-A ')).length;
    console.log(`TUM ruleset: ${rules} rules, ${n} MAC addresses replaced; ${RUNS} runs each`);
    console.log(
      `load average at start: ${loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')} (figures are wall time)`,
    );

    const { argv, note } = await parseCommand(work);
    const ours = medianOf(`${note} FILE (whole process)`, () => timeProcess([...argv, file]));
    const inProcess = medianOf('parseIptablesSave in-process', () => {
      const t0 = performance.now();
      parseIptablesSave(text);
      return performance.now() - t0;
    });

    const skip = kernelSkipReason(['ip', 'iptables-restore', 'nft']);
    if (skip) {
      console.log(`baseline skipped: ${skip}`);
      return;
    }
    const ns = Netns.create('parsebench');
    try {
      const baseline = medianOf('iptables-restore --test FILE (private namespace)', () =>
        timeProcess(['ip', 'netns', 'exec', ns.name, 'iptables-restore', '--test', file]),
      );
      console.log(
        `ratio markwright parse / iptables-restore --test: ${(ours / baseline).toFixed(3)} (target <= 0.8)`,
      );
      console.log(`ratio in-process parse / iptables-restore --test: ${(inProcess / baseline).toFixed(3)}`);

      ns.exec(['iptables-restore'], { input: text });
      const json = ns.exec(['nft', '-j', 'list', 'ruleset']).stdout;
      const jsonFile = join(work, 'tum.nft.json');
      writeFileSync(jsonFile, json);
      console.log(`nft -j list ruleset of the loaded TUM rules: ${(json.length / 1024).toFixed(0)} KiB`);
      const jsonIn = medianOf('parseNftJson in-process', () => {
        const t0 = performance.now();
        parseNftJson(json);
        return performance.now() - t0;
      });
      const jsonWhole = medianOf(`${note} --syntax nft-json (whole process)`, () =>
        timeProcess([...argv, jsonFile, '--syntax', 'nft-json']),
      );
      console.log(
        `ratio nft-json whole process / iptables-restore --test: ${(jsonWhole / baseline).toFixed(3)}; in-process ${(jsonIn / baseline).toFixed(3)}`,
      );
    } finally {
      ns.destroy();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
