import { spawnSync } from 'node:child_process';
import { parseSshTarget, sshTargetLabel } from '@markwright/core';
import { describe, expect, it } from 'vitest';
import { HOSTILE } from '../testing/hostile-args';
import { relabel } from './remote-client';
import { quoteArgument, remoteCommandLine } from './remote-shell';

describe('remote command lines', () => {
  it('a POSIX shell splits them back into exactly the argv we built', () => {
    const line = remoteCommandLine(['printf', '%s\\0', ...HOSTILE]);
    const r = spawnSync('/bin/sh', ['-c', line], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout.split('\0').slice(0, -1)).toEqual(HOSTILE);
    const bash = spawnSync('/bin/bash', ['-c', line], { encoding: 'utf8' });
    expect(bash.stdout.split('\0').slice(0, -1)).toEqual(HOSTILE);
  });
  it('leaves plain words bare and refuses control characters', () => {
    expect(quoteArgument('/usr/bin/node')).toBe('/usr/bin/node');
    expect(quoteArgument('a b')).toBe("'a b'");
    expect(() => remoteCommandLine(['echo', 'a\nb'])).toThrow(/remote argument.*control characters/);
    expect(() => remoteCommandLine([])).toThrow(/empty/);
  });
});

describe('ssh targets', () => {
  it.each([
    ['ssh:box', { kind: 'ssh', host: 'box' }],
    ['ssh:root@10.0.0.1', { kind: 'ssh', host: '10.0.0.1', user: 'root' }],
    [
      'ssh:admin@edge-1.example.org:2222',
      { kind: 'ssh', host: 'edge-1.example.org', user: 'admin', port: 2222 },
    ],
    ['ssh:[2001:db8::1]:22', { kind: 'ssh', host: '2001:db8::1', port: 22 }],
    ['ssh:[fe80::1]', { kind: 'ssh', host: 'fe80::1' }],
  ])('parses %s', (text, want) => {
    expect(parseSshTarget(text)).toEqual(want);
    expect(sshTargetLabel(parseSshTarget(text))).toBe(text);
  });
  it.each([
    'ssh:',
    'ssh:-oProxyCommand=id',
    'ssh:root@-x',
    'ssh:-l@box',
    'ssh:box:0',
    'ssh:box:65536',
    'ssh:box:22x',
    'ssh:a b',
    'ssh:box;id',
    'ssh:$(id)',
    'ssh:2001:db8::1',
    'ssh:[box]:22',
    'ssh:.hidden',
    'ssh:a..b',
    'ssh:root@@box',
  ])('refuses %j naming --target', (text) => {
    expect(() => parseSshTarget(text)).toThrow(/--target/);
  });
});

describe('reports from the box', () => {
  it('name the target as the user wrote it', () => {
    const report = { target: 'local', last: { target: 'local', id: 'x' }, other: 'local' };
    expect(relabel(report, 'ssh:box')).toEqual({
      target: 'ssh:box',
      last: { target: 'ssh:box', id: 'x' },
      other: 'local',
    });
    expect(relabel([{ target: 'local' }], 'ssh:b')).toEqual([{ target: 'ssh:b' }]);
  });
});
