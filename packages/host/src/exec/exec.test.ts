import { describe, expect, it } from 'vitest';
import { chooseElevation, type ElevationProbe } from './elevation';
import { EnvironmentError, ToolError } from './errors';
import { FakeRunner } from './fake-runner';
import { createSystemRunner, fullArgv } from './runner';
import { parseTarget, targetKey, targetLabel } from './target';

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

  it('runs inside the namespace and behind the elevation prefix, as argv', () => {
    const t = parseTarget('netns:n1');
    expect(fullArgv(t, 'none', ['nft', '-f', '-'])).toEqual(['ip', 'netns', 'exec', 'n1', 'nft', '-f', '-']);
    expect(fullArgv(t, 'sudo', ['tc', '-V'])).toEqual([
      'sudo',
      '-n',
      '--',
      'ip',
      'netns',
      'exec',
      'n1',
      'tc',
      '-V',
    ]);
    expect(fullArgv({ kind: 'local' }, 'pkexec', ['ip', '-V'])).toEqual(['pkexec', 'ip', '-V']);
  });
});

describe('elevation', () => {
  const probe = (uid: number, sudo: boolean, pkexec: boolean): ElevationProbe => ({
    uid,
    sudoWorks: async () => sudo,
    pkexecAvailable: async () => pkexec,
  });
  it('needs nothing as root, prefers passwordless sudo, then pkexec', async () => {
    expect(await chooseElevation(probe(0, false, false))).toBe('none');
    expect(await chooseElevation(probe(1000, true, true))).toBe('sudo');
    expect(await chooseElevation(probe(1000, false, true))).toBe('pkexec');
  });
  it('says what to do when neither works', async () => {
    const err = await chooseElevation(probe(1000, false, false)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EnvironmentError);
    expect(String(err)).toMatch(/run it as root.*sudo.*polkit/);
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
