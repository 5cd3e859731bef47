import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { corpusDir, corpusSkip } from '@markwright/testkit';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../testing/run-command';
import parse from './parse';

const tum = join(corpusDir('real'), 'diekmann__tum_net_2015-09-03.iptables-save');
const tumReason = corpusSkip('the 5,000-rule TUM ruleset', 'real');

const run = (args: string[]) => runCommand(parse, args);

const sample = `*mangle
:PREROUTING ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A PREROUTING -j CONNMARK --restore-mark --nfmask 0xff --ctmask 0xff
-A PREROUTING -m mark --mark 0x0/0xff -j MARK --set-xmark 0x1/0xff
-A OUTPUT -p tcp -j TPROXY --on-port 1 --on-ip 0.0.0.0 --tproxy-mark 0x1/0x1
-A OUTPUT -p tcp -m tcp --dport 22 -j ACCEPT
COMMIT
`;

describe('parse', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mw-parse-'));
  const file = join(dir, 'rules.iptables-save');
  writeFileSync(file, sample);

  it('summarizes an iptables-save file (auto-detected)', async () => {
    const { code, out } = await run([file]);
    expect(code).toBe(0);
    expect(out).toBe(
      [
        'tables: 1',
        '  ip mangle (iptables): 5 chains, 4 rules',
        'chains: 5',
        'rules: 4',
        'mark-related rules: 3',
        'opaque expressions: 1 (1 may read or write marks)',
        '',
      ].join('\n'),
    );
  });
  it('prints the IR as JSON', async () => {
    const { out } = await run([file, '--syntax', 'iptables', '--json']);
    const rs = JSON.parse(out);
    expect(rs.tables[0].chains[0].rules[0].exprs[0]).toEqual({
      kind: 'markWrite',
      write: { dst: 'meta', keep: 0xffffff00, src: { space: 'ct', take: 0xff, shift: 0 }, xor: 0 },
    });
  });
  it('names the file, line and column of a syntax error', async () => {
    const bad = join(dir, 'bad.iptables-save');
    writeFileSync(bad, '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m mark --mark 0xzz -j ACCEPT\nCOMMIT\n');
    await expect(run([bad])).rejects.toThrow(
      /bad\.iptables-save line 3, column 25: expected valid mark options: --mark: has trailing garbage after the value \(got "0xzz"\)/,
    );
  });
  it('refuses a missing file and a bad syntax name', async () => {
    await expect(run([join(dir, 'none')])).rejects.toThrow(/cannot be read: no such file/);
    await expect(run([file, '--syntax', 'pf'])).rejects.toThrow(/--syntax: must be one of/);
  });
  it.skipIf(tumReason)('reads the 5,000-rule TUM ruleset', async () => {
    const { out } = await run([tum]);
    expect(out).toMatch(/\nrules: 4973\n/);
  });
});
