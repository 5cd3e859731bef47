// The CLI bridge's argv and its mapping of exit codes, against a stand-in CLI script that records what it got.

import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiError } from '@markwright/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliHostBridge } from './cli-host-bridge';

let dir: string;
let cli: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mw-bridge-'));
  cli = join(dir, 'markwright.mjs');
  // Exit codes by verb, as the real CLI's contract: plan 1 (bad input), status 2 (environment), confirm prints
  // no JSON; anything else echoes its argv and, for a document verb, the document it was given.
  writeFileSync(
    cli,
    `import { readFileSync } from 'node:fs';
const [verb, ...rest] = process.argv.slice(2);
if (verb === 'plan') { process.stderr.write('markwright: layout.fields[0].offset: too large (got 40)\\n'); process.exit(1); }
if (verb === 'status') { process.stderr.write('markwright: nft is not installed\\n'); process.exit(2); }
if (verb === 'confirm') { process.stdout.write('done'); process.exit(0); }
const doc = verb === 'apply' ? readFileSync(rest[0], 'utf8') : null;
process.stdout.write(JSON.stringify({ verb, rest, doc }));
`,
  );
  mkdirSync(join(dir, 'netns'));
  for (const name of ['router', 'lab-1', '.hidden', 'bad name']) writeFileSync(join(dir, 'netns', name), '');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const bridge = (options: Partial<ConstructorParameters<typeof CliHostBridge>[0]> = {}) =>
  new CliHostBridge({
    cliPath: cli,
    nodePath: process.execPath,
    elevate: [],
    netnsDir: join(dir, 'netns'),
    ...options,
  });

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

describe('CliHostBridge', () => {
  it('builds argv arrays: elevation prefix, node, the CLI, the verb, state dir and --json', () => {
    const b = bridge({ elevate: ['pkexec'], nodePath: '/usr/bin/node', stateDir: '/tmp/state' });
    expect(b.argv('rollback', ['--target', 'netns:r', '--to', 'd1'])).toEqual([
      'pkexec',
      '/usr/bin/node',
      cli,
      'rollback',
      '--target',
      'netns:r',
      '--to',
      'd1',
      '--state-dir',
      '/tmp/state',
      '--json',
    ]);
  });

  it('passes the document as a file that is removed afterwards', async () => {
    const reply = (await bridge({ stateDir: '/s' }).apply('netns:r', '{"name":"x"}', 15)) as unknown as {
      verb: string;
      rest: string[];
      doc: string;
    };
    expect(reply.verb).toBe('apply');
    expect(reply.doc).toBe('{"name":"x"}');
    expect(reply.rest.slice(1)).toEqual([
      '--target',
      'netns:r',
      '--confirm-timeout',
      '15',
      '--state-dir',
      '/s',
      '--json',
    ]);
    expect(existsSync(reply.rest[0]!)).toBe(false);
  });

  it('maps exit 1 to invalid-input and exit 2 to environment, with the CLI message', async () => {
    const bad = await failure(bridge().plan('local', '{}'));
    expect([bad.kind, bad.message]).toEqual(['invalid-input', 'layout.fields[0].offset: too large (got 40)']);
    const env = await failure(bridge().status('local'));
    expect([env.kind, env.message]).toEqual(['environment', 'nft is not installed']);
    const garbled = await failure(bridge().confirm('local'));
    expect(garbled.kind).toBe('internal');
  });

  it('maps a refused elevation to environment', async () => {
    const refused = await failure(bridge({ elevate: [join(dir, 'no-such-pkexec')] }).history('local'));
    expect(refused.kind).toBe('environment');
  });

  it('lists local and the namespaces whose names are safe', async () => {
    expect(await bridge().listTargets()).toEqual(['local', 'netns:.hidden', 'netns:lab-1', 'netns:router']);
    expect(await bridge({ netnsDir: join(dir, 'missing') }).listTargets()).toEqual(['local']);
  });
});
