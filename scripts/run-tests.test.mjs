import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// The summary line of run-tests.mjs is what CI reads: each way a suite can fail must show in it and in the exit status.
const fixtures = join(import.meta.dirname, 'fixtures/vitest-summary');
const results = mkdtempSync(join(tmpdir(), 'mw-summary-'));
afterAll(() => rmSync(results, { recursive: true, force: true }));

function summarize(...projects) {
  return summarizeWith({}, ...projects);
}

function summarizeWith(env, ...projects) {
  const run = spawnSync(
    process.execPath,
    [join(import.meta.dirname, 'run-tests.mjs'), ...projects.map((p) => join(fixtures, p))],
    {
      encoding: 'utf8',
      env: { ...process.env, MARKWRIGHT_STRICT: '', ...env, MARKWRIGHT_TEST_RESULTS: results },
      timeout: 120_000,
    },
  );
  const lines = run.stdout.trimEnd().split('\n');
  return { code: run.status, last: lines.at(-1), stdout: run.stdout, output: run.stdout + run.stderr };
}

describe('scripts/run-tests.mjs summary', () => {
  it('counts a failing test inside nested describes once', () => {
    const r = summarize('fails-in-describe');
    expect(r.last).toBe('1 passed, 1 failed, 1 skipped');
    expect(r.code).toBe(1);
  });

  it('counts a test file that fails to load once, and says which', () => {
    const r = summarize('fails-to-load');
    expect(r.last).toBe('1 passed, 1 failed, 0 skipped');
    expect(r.stdout).toMatch(/broken\.fixture\.ts failed outside its tests: .*does-not-exist/);
    expect(r.code).toBe(1);
  });

  it('fails the run when vitest exits non-zero with no failed test in its report', () => {
    const r = summarize('unhandled-rejection');
    expect(r.last).toBe('1 passed, 1 failed, 0 skipped');
    expect(r.stdout).toContain('although its report has no failed test');
    expect(r.code).toBe(1);
  });

  it('passes a clean project and sums several projects', () => {
    expect(summarize('all-pass')).toMatchObject({ code: 0, last: '2 passed, 0 failed, 1 skipped' });
    expect(summarize('all-pass', 'fails-in-describe', 'fails-to-load')).toMatchObject({
      code: 1,
      last: '4 passed, 2 failed, 2 skipped',
    });
  });

  it('skips a missing environment on a developer machine, and fails it under MARKWRIGHT_STRICT=1', () => {
    expect(summarize('environment-skips')).toMatchObject({ code: 0, last: '0 passed, 0 failed, 2 skipped' });
    const strict = summarizeWith({ MARKWRIGHT_STRICT: '1' }, 'environment-skips');
    // The Electron skip is a named fact of the machine: it stays a skip even in strict mode.
    expect(strict).toMatchObject({ code: 1, last: '0 passed, 1 failed, 2 skipped' });
    expect(strict.output).toContain('a kernel suite cannot run: kernel tests need root');
  });
});
