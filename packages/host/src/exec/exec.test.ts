import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EnvironmentError, ToolError } from './errors';
import { FakeRunner } from './fake-runner';
import { createSystemRunner, fullArgv } from './runner';
import { parseTarget, targetKey, targetLabel } from './target';
import { toolPath } from './tool-path';

describe('targets', () => {
  it('parses local and netns:NAME', () => {
    expect(parseTarget('local')).toEqual({ kind: 'local' });
    expect(parseTarget('netns:edge-1.a_b')).toEqual({ kind: 'netns', name: 'edge-1.a_b' });
    expect(targetLabel(parseTarget('netns:x'))).toBe('netns:x');
    expect(targetKey(parseTarget('netns:x'))).toBe('netns-x');
  });

  it.each([
    undefined,
    '',
    'remote',
    'netns:',
    'netns:a b',
    'netns:../etc',
    'netns:..',
    `netns:${'a'.repeat(65)}`,
    'netns:-x;rm',
  ])('refuses %j naming --target', (text) => {
    expect(() => parseTarget(text)).toThrow(/--target/);
  });

  it('runs inside the namespace, every tool by its absolute path, as argv', () => {
    const t = parseTarget('netns:n1');
    const ip = toolPath('ip');
    expect(ip).toMatch(/^\/(usr\/)?s?bin\/ip$/);
    expect(fullArgv(t, ['nft', '-f', '-'])).toEqual([ip, 'netns', 'exec', 'n1', '/usr/sbin/nft', '-f', '-']);
    expect(fullArgv({ kind: 'local' }, ['tc', '-V'])).toEqual(['/usr/sbin/tc', '-V']);
  });
});

describe('tool paths', () => {
  let savedPath: string | undefined;
  beforeEach(() => {
    savedPath = process.env.PATH;
  });
  afterEach(() => {
    process.env.PATH = savedPath;
  });

  it("finds nft, ip and tc with a desktop user's PATH, which has no /usr/sbin", async () => {
    process.env.PATH = '/usr/local/bin:/usr/bin:/bin';
    const r = await createSystemRunner({ kind: 'local' }).run(['nft', '--version']);
    expect(r.stdout).toMatch(/nftables/);
    expect(toolPath('tc')).toBe('/usr/sbin/tc');
  });

  it('never runs a tool a PATH entry the caller controls offers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mw-path-'));
    try {
      writeFileSync(join(dir, 'nft'), '#!/bin/sh\necho planted\n', { mode: 0o755 });
      process.env.PATH = `${dir}:${savedPath}`;
      const r = await createSystemRunner({ kind: 'local' }).run(['nft', '--version']);
      expect(r.stdout).not.toMatch(/planted/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the folders it looked in when a tool is missing, and refuses paths in names', () => {
    expect(() => toolPath('markwright-no-such-tool')).toThrow(
      /not installed \(looked in \/usr\/sbin, \/usr\/bin/,
    );
    expect(() => toolPath('../nft')).toThrow(EnvironmentError);
  });
});

describe('runners', () => {
  it('the system runner passes arguments untouched by any shell', async () => {
    const r = await createSystemRunner({ kind: 'local' }).run(['printf', '%s|', '$(id)', 'a b;c']);
    expect(r.stdout).toBe('$(id)|a b;c|');
  });
  it('a failing tool becomes a ToolError with its message; a missing one an EnvironmentError', async () => {
    const err = await createSystemRunner({ kind: 'local' })
      .run(['sh', '-c', 'echo boom >&2; exit 3'])
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ToolError);
    expect((err as ToolError).code).toBe(3);
    expect(String(err)).toContain('boom');
    await expect(
      createSystemRunner({ kind: 'local' }).run(['markwright-no-such-tool']),
    ).rejects.toBeInstanceOf(EnvironmentError);
  });
  it('the fake runner records calls and answers from handlers', async () => {
    const fake = new FakeRunner().on((argv) => (argv[0] === 'nft' ? { stdout: 'ok' } : undefined));
    expect((await fake.run(['nft', '-v'])).stdout).toBe('ok');
    await expect(fake.run(['x'], { input: 'in' })).resolves.toMatchObject({ code: 0 });
    expect(fake.calls).toEqual([
      { argv: ['nft', '-v'], input: undefined },
      { argv: ['x'], input: 'in' },
    ]);
  });
});
