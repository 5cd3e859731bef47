// Runs every test suite with vitest's JSON reporter and prints one summed line: `N passed, N failed, N skipped`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const suites = [
  'packages/testkit',
  'packages/core',
  'packages/host',
  'packages/api',
  'packages/app-backend',
  'apps/cli',
  'apps/desktop',
  'e2e',
];
const only = process.argv.slice(2);
const resultsDir = join(root, 'test-results');
rmSync(resultsDir, { recursive: true, force: true });
mkdirSync(resultsDir, { recursive: true });

const totals = { passed: 0, failed: 0, skipped: 0 };
for (const suite of suites.filter((s) => only.length === 0 || only.includes(s))) {
  const out = join(resultsDir, `${suite.replaceAll('/', '-')}.json`);
  console.log(`\n=== ${suite} ===`);
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
  const xvfb = suite === 'e2e' && headless && spawnSync('sh', ['-c', 'command -v xvfb-run']).status === 0;
  const argv = xvfb ? ['xvfb-run', '-a', ...vitest] : vitest;
  const run = spawnSync(argv[0], argv.slice(1), { cwd: join(root, suite), stdio: 'inherit' });
  if (!existsSync(out)) {
    console.log(`${suite}: no report (vitest exited ${run.status}); counted as one failure`);
    totals.failed += 1;
    continue;
  }
  const report = JSON.parse(readFileSync(out, 'utf8'));
  totals.passed += report.numPassedTests;
  totals.failed += report.numFailedTests + (report.numFailedTestSuites ?? 0);
  totals.skipped += report.numPendingTests + (report.numTodoTests ?? 0);
}
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed > 0 ? 1 : 0);
