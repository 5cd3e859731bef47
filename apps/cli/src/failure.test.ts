// Every verb fails the same way: with --json, exactly one `{"ok":false,"error":{kind,field,message}}` line on
// stderr and nothing on stdout; without it, one `markwright: ...` line. Exit 1 for input, 2 for environment.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EnvironmentError, InputError, LockHeld } from '@markwright/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from './commands/index';
import { bundleMain } from './testing/cli-bundle';
import './commands/registry';
import { reportFailure } from './failure';

const _cliRoot = resolve(import.meta.dirname, '..');
const asRoot = process.getuid?.() === 0;
let dir: string;
let bundle: string;

beforeAll(() => {
  ({ script: bundle, dir } = bundleMain());
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function markwright(args: string[]) {
  const r = spawnSync(process.execPath, [bundle, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The one error report a failed --json run printed (the test fails if stderr holds anything else). */
function report(stderr: string) {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0]!) as {
    ok: boolean;
    error: { kind: string; field: string | null; message: string };
  };
}

describe('failures with --json', () => {
  it.each(Object.keys(COMMANDS))('%s: an unknown option is an input error naming it', (verb) => {
    const args = verb === 'layout' ? ['layout', 'check'] : [verb];
    const run = markwright([...args, '--no-such-option', '--json']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(report(run.stderr)).toEqual({
      ok: false,
      error: { kind: 'input', field: '--no-such-option', message: expect.stringContaining('unknown option') },
    });
  });

  it('an unknown verb is an input error too', () => {
    const run = markwright(['frobnicate', '--json']);
    expect(run.code).toBe(1);
    expect(report(run.stderr).error).toMatchObject({ kind: 'input', field: 'command' });
  });

  it('a file that does not exist names the file', () => {
    // (`layout check --json` reports a bad document on stdout as its check report: that contract is kept.)
    const run = markwright(['parse', join(dir, 'missing.json'), '--json']);
    expect(run.code).toBe(1);
    expect(report(run.stderr).error.message).toContain('missing.json');
  });

  it.skipIf(!asRoot)('nothing to confirm is not-found (exit 1)', () => {
    const state = ['--state-dir', join(dir, 'state'), '--root-dir', join(dir, 'root')];
    const run = markwright(['confirm', '--target', 'local', ...state, '--json']);
    expect(run.code).toBe(1);
    expect(report(run.stderr).error).toMatchObject({ kind: 'not-found', field: 'confirm' });
    const rollback = markwright(['rollback', '--target', 'local', '--to', 'd-none', ...state, '--json']);
    expect(report(rollback.stderr).error).toMatchObject({ kind: 'not-found', field: '--to' });
  });

  it.skipIf(!asRoot)(
    'a namespace that does not exist is an environment error naming --target (exit 2)',
    () => {
      const run = markwright([
        'status',
        '--target',
        'netns:mw-absent-ns',
        '--state-dir',
        join(dir, 's'),
        '--json',
      ]);
      expect(run.code).toBe(2);
      expect(report(run.stderr).error).toMatchObject({ kind: 'environment', field: '--target' });
    },
  );

  it('without --json the same failure is one plain line, no stack', () => {
    const run = markwright(['parse', '--no-such-option']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^markwright: --no-such-option: unknown option [^\n]*\n$/);
  });
});

describe('reportFailure', () => {
  const capture = (error: unknown, json: boolean) => {
    let text = '';
    const code = reportFailure(error, json, (t) => {
      text += t;
    });
    return { code, text };
  };

  it('maps each kind to its exit code', () => {
    expect(capture(new InputError('x', 1, 'bad'), true).code).toBe(1);
    expect(capture(new LockHeld('held'), true)).toEqual({
      code: 2,
      text: '{"ok":false,"error":{"kind":"lock-held","field":null,"message":"held"}}\n',
    });
    expect(capture(new EnvironmentError('no nft', '--target'), false)).toEqual({
      code: 2,
      text: 'markwright: no nft\n',
    });
  });

  it('a bug is internal: JSON carries only its message, plain output one line without a stack', () => {
    const bug = new TypeError('x is undefined');
    expect(JSON.parse(capture(bug, true).text).error).toEqual({
      kind: 'internal',
      field: null,
      message: 'x is undefined',
    });
    expect(capture(bug, false)).toEqual({ code: 2, text: 'markwright: x is undefined\n' });
  });
});
