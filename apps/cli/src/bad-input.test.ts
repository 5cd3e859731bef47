import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir, removeTempDir, repoRoot } from '@markwright/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verbAndArgs } from './args';
import { COMMANDS } from './commands/index';
import './commands/registry';
import { bundleMain, type CliRun } from './testing/cli-bundle';

// Hostile inputs through the real command line: each is one line naming the file or field, exit 1 for input
// and 2 for the environment, never a stack trace and never a hang.
let cli: CliRun;
let bundleDir: string;
const dir = makeTempDir('bad-input');
const example = join(repoRoot, 'examples', 'edge-router.json');
const file = (name: string, content: string | Uint8Array): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

beforeAll(() => {
  ({ cli, dir: bundleDir } = bundleMain());
});
afterAll(() => {
  removeTempDir(dir);
  removeTempDir(bundleDir);
});

/** Whether text holds a control character other than newline and tab. */
const hasControl = (text: string): boolean =>
  [...text].some((c) => (c.charCodeAt(0) < 0x20 ? c !== '\n' && c !== '\t' : c.charCodeAt(0) === 0x7f));

/** One line on stderr, no stack frames. */
function oneLine(stderr: string): string {
  const lines = stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /);
  return lines[0]!;
}

describe('bad input to the command line', () => {
  it('refuses a FIFO or a device instead of hanging on it', () => {
    const fifo = join(dir, 'input.fifo');
    execFileSync('mkfifo', [fifo]);
    for (const args of [
      ['layout', 'check', fifo],
      ['parse', fifo],
      ['compile', fifo, '--to', 'nft'],
      ['plan', fifo, '--target', 'local'],
      [
        'simulate',
        '--ruleset',
        fifo,
        '--packet',
        '{"iif": "eth0", "saddr": "10.0.0.1", "daddr": "10.0.0.2", "proto": "udp", "sport": 1, "dport": 2}',
      ],
    ]) {
      const r = cli(args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(oneLine(r.stderr)).toMatch(/input\.fifo: is a named pipe \(FIFO\), not a regular file/);
    }
    const device = cli(['parse', '/dev/zero']);
    expect(device.code).toBe(1);
    expect(oneLine(device.stderr)).toMatch(/\/dev\/zero: is a character device, not a regular file/);
    const folder = cli(['layout', 'check', dir]);
    expect(folder.code).toBe(1);
    expect(oneLine(folder.stderr)).toMatch(/is a directory, not a regular file/);
  });

  it('bounds the depth of nft JSON nested 20,000 deep', () => {
    const deep = file('deep.json', `{"nftables":${'['.repeat(20_000)}${']'.repeat(20_000)}}`);
    const r = cli(['parse', deep]);
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toMatch(/deep\.json: .*nested deeper than 256 levels at nftables\[0\]/);
    const doc = cli(['layout', 'check', file('deep-doc.json', `${'['.repeat(20_000)}${']'.repeat(20_000)}`)]);
    expect(doc.code).toBe(1);
    expect(oneLine(doc.stderr)).toMatch(
      /deep-doc\.json: .*nested deeper than 256 levels at line 1 column 257/,
    );
  });

  it('refuses a key given twice, naming the key path', () => {
    const text = '{"format": "markwright/1", "name": "a", "layout": {"fields": [], "fields": []}}';
    const r = cli(['layout', 'check', file('dup.json', text)]);
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toMatch(
      /dup\.json: layout\.fields: duplicate key "fields" at line 1 column 66/,
    );
  });

  it('drops a UTF-8 byte-order mark and reads UTF-16, with positions in the text', () => {
    const broken = '{"format": "markwright/1",\n  oops}';
    const bom = cli(['layout', 'check', file('bom.json', `\ufeff${broken}`)]);
    expect(oneLine(bom.stderr)).toMatch(/bom\.json: is not valid JSON at line 2 column 3: expected a key/);
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(broken, 'utf16le')]);
    const le = cli(['layout', 'check', file('utf16.json', utf16)]);
    expect(oneLine(le.stderr)).toMatch(/utf16\.json: is not valid JSON at line 2 column 3: expected a key/);
    const good = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from(readFileSync(example, 'utf8'), 'utf16le'),
    ]);
    expect(cli(['layout', 'check', file('good-utf16.json', good)]).code).toBe(0);
    const noMark = cli(['layout', 'check', file('nomark.json', Buffer.from(broken, 'utf16le'))]);
    expect(noMark.code).toBe(1);
    expect(oneLine(noMark.stderr)).toMatch(/nomark\.json: .*(UTF-16|not valid JSON)/);
  });

  it('says "number out of range" for 1e400, naming the field', () => {
    const text = '{"format": "markwright/1", "layout": {"fields": [{"name": "a", "offset": 1e400}]}}';
    const r = cli(['layout', 'check', file('big.json', text)]);
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toMatch(/big\.json: layout\.fields\[0\]\.offset: number out of range: 1e400/);
    const packet = cli([
      'simulate',
      '--ruleset',
      file('empty.nft', ''),
      '--packet',
      '{"iif": "eth0", "mark": 1e999}',
    ]);
    expect(packet.code).toBe(1);
    expect(oneLine(packet.stderr)).toMatch(/--packet.*mark: number out of range/);
  });

  it('escapes control characters in names, paths and values', () => {
    const name = join(dir, 'evil\u001b[31m\r.json');
    writeFileSync(name, '{');
    const r = cli(['layout', 'check', name]);
    expect(r.code).toBe(1);
    expect(hasControl(r.stderr)).toBe(false);
    expect(oneLine(r.stderr)).toContain('evil\\x1b[31m\\x0d.json');
    const verb = cli(['\u001b]0;title\u0007']);
    expect(hasControl(verb.stderr)).toBe(false);
  });

  // Every registered verb, each its own test: a new verb is covered the day it is added.
  it.each(Object.keys(COMMANDS))('answers %s --help with its usage, exit 0', (verb) => {
    const r = cli([verb, '--help']);
    expect(r.code, verb).toBe(0);
    expect(r.stdout, verb).toMatch(new RegExp(`^usage: markwright ${verb}`));
    expect(cli([verb, 'x', '-h']).code, verb).toBe(0);
  });
  it("answers help VERB with that verb's usage", () => {
    expect(cli(['help', 'parse']).stdout).toMatch(/^usage: markwright parse FILE/);
  });

  it('takes global options before or after the verb', () => {
    expect(verbAndArgs(['--state-dir', '/s', 'status', '--target', 'local'])).toEqual({
      verb: 'status',
      args: ['--target', 'local', '--state-dir', '/s'],
    });
    expect(verbAndArgs(['--json', '--target=local', 'history'])).toEqual({
      verb: 'history',
      args: ['--json', '--target=local'],
    });
    const before = cli(['--json', 'layout', 'check', example]);
    const after = cli(['layout', 'check', example, '--json']);
    expect(before.code).toBe(0);
    expect(before.stdout).toBe(after.stdout);
    const missing = join(dir, 'no-such-ns');
    const state = cli(['--state-dir', missing, 'status', '--target', 'netns:mw-none-here']);
    const stateAfter = cli(['status', '--target', 'netns:mw-none-here', '--state-dir', missing]);
    expect(state.code).toBe(stateAfter.code);
    expect(state.stderr).toBe(stateAfter.stderr);
  });
});
