// Runs the checks (typecheck, lint, import rules) and every test suite with vitest's JSON reporter, then prints
// one summed line, always the last: `N passed, N failed, N skipped`. Exits non-zero when anything failed.
//
//   node scripts/run-tests.mjs              the checks and every suite
//   node scripts/run-tests.mjs DIR ...      only these suites (directories with a vitest config), no checks
//
// A failed check counts as one failure; a vitest process that exits non-zero without a failing test in its
// report (an unhandled error or rejection, a crash, no report at all) counts as one failure and says why.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { countReport } from './lib/vitest-report.mjs';

const root = resolve(import.meta.dirname, '..');
const SUITES = [
  'scripts',
  'packages/testkit',
  'packages/core',
  'packages/host',
  'packages/api',
  'packages/app-backend',
  'apps/cli',
  'apps/desktop',
  'e2e',
];
const CHECKS = [
  { name: 'typecheck', argv: ['pnpm', '--silent', 'typecheck'] },
  { name: 'lint', argv: ['pnpm', 'exec', 'biome', 'check', '.'] },
  { name: 'imports', argv: [process.execPath, 'scripts/check-imports.mjs'] },
];

const requested = process.argv.slice(2).map((dir) => resolve(dir));
const suites = requested.length > 0 ? requested : SUITES.map((suite) => join(root, suite));
// Reports go to test-results/ (or MARKWRIGHT_TEST_RESULTS, so a test of this script leaves the outer run's alone).
const resultsDir = resolve(process.env.MARKWRIGHT_TEST_RESULTS ?? join(root, 'test-results'));
rmSync(resultsDir, { recursive: true, force: true });
mkdirSync(resultsDir, { recursive: true });

const totals = { passed: 0, failed: 0, skipped: 0 };
const checkLines = [];

if (requested.length === 0) {
  for (const check of CHECKS) {
    console.log(`\n=== ${check.name} ===`);
    const run = spawnSync(check.argv[0], check.argv.slice(1), { cwd: root, stdio: 'inherit' });
    const ok = run.status === 0;
    if (!ok) totals.failed += 1;
    checkLines.push(
      ok ? `${check.name}: ok` : `${check.name}: FAILED (${exitText(run)}; counted as one failure)`,
    );
  }
}

for (const dir of suites) {
  const name = relative(root, dir) || basename(dir);
  const out = join(resultsDir, `${name.replaceAll(/[/\\.]+/g, '-')}.json`);
  console.log(`\n=== ${name} ===`);
  const vitest = [
    'pnpm',
    'exec',
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${out}`,
  ];
  // Electron needs a display: without one, the e2e suite runs under a virtual X server when xvfb-run exists.
  const headless = !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
  const xvfb = name === 'e2e' && headless && spawnSync('sh', ['-c', 'command -v xvfb-run']).status === 0;
  const argv = xvfb ? ['xvfb-run', '-a', ...vitest] : vitest;
  const run = spawnSync(argv[0], argv.slice(1), { cwd: dir, stdio: 'inherit' });
  if (!existsSync(out)) {
    totals.failed += 1;
    checkLines.push(`${name}: vitest ${exitText(run)} and wrote no report; counted as one failure`);
    continue;
  }
  const counts = countReport(JSON.parse(readFileSync(out, 'utf8')));
  totals.passed += counts.passed;
  totals.failed += counts.failed;
  totals.skipped += counts.skipped;
  for (const file of counts.brokenFiles) {
    checkLines.push(`${name}: ${relative(dir, file.name)} failed outside its tests: ${file.message}`);
  }
  if (run.status !== 0 && counts.failed === 0) {
    totals.failed += 1;
    checkLines.push(
      `${name}: vitest ${exitText(run)} although its report has no failed test (an unhandled error or rejection); counted as one failure`,
    );
  }
}

console.log('');
for (const line of checkLines) console.log(line);
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed > 0 ? 1 : 0);

function exitText(run) {
  if (run.error) return `could not start (${run.error.message})`;
  return run.signal ? `was killed by ${run.signal}` : `exited ${run.status}`;
}
