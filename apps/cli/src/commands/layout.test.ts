import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputError } from '@markwright/core';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../testing/run-command';
import layout from './layout';

const cliRoot = resolve(import.meta.dirname, '../..');
const repoRoot = resolve(cliRoot, '../..');
const example = (name: string) => join(repoRoot, 'examples', `${name}.json`);
let dir: string;

beforeAll(() => {
  mkdirSync(join(cliRoot, 'node_modules', '.cache'), { recursive: true });
  dir = mkdtempSync(join(cliRoot, 'node_modules', '.cache', 'layout-test-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const run = (args: string[]) => runCommand(layout, args);

const bad = {
  format: 'markwright/1',
  name: 'bad',
  layout: {
    fields: [
      { name: 'a', kind: 'int', offset: 0, width: 4 },
      { name: 'b', kind: 'int', offset: 2, width: 4 },
    ],
  },
  policy: { routes: [{ when: { a: 1 }, table: 254, priority: 10 }] },
};

describe('layout check', () => {
  it.each(['edge-router', 'k8s-node', 'wireguard-box'])('accepts example %s (exit 0)', async (name) => {
    const { code, out } = await run(['check', example(name), '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ valid: true, errors: [] });
  });

  it('prints exactly the report shape with --json', async () => {
    const { out } = await run(['check', example('edge-router'), '--json']);
    const report = JSON.parse(out) as Record<string, unknown>;
    expect(Object.keys(report)).toEqual(['valid', 'errors', 'conflicts']);
    const conflicts = report.conflicts as Record<string, unknown>[];
    expect(conflicts.length).toBeGreaterThan(0);
    for (const c of conflicts) {
      expect(Object.keys(c).filter((k) => k !== 'detail')).toEqual([
        'field',
        'consumer',
        'bits',
        'source',
        'severity',
        'presence',
      ]);
      expect(c.bits).toMatch(/^0x[0-9a-f]+$/);
      expect(['known', 'host']).toContain(c.source);
      expect([
        'shares-bits',
        'whole-mark-overwrite',
        'sysctl-side-effect',
        'rule-priority',
        'routing-table',
      ]).toContain(c.severity);
      // Nothing is detected without host rules: everything comes from the catalogue.
      expect(c.presence).toBe('catalogue');
    }
  });

  it('shows no warnings for a box with nothing installed: catalogue conflicts fold into one line per consumer', async () => {
    const { code, out } = await run(['check', example('edge-router')]);
    expect(code).toBe(0);
    expect(out).toContain('conflicts on this box: none');
    const folded = out.split('\n').filter((l) => l.startsWith('  if you install '));
    expect(folded.length).toBeGreaterThan(3);
    expect(new Set(folded).size).toBe(folded.length);
    expect(out).toMatch(
      / {2}if you install Tailscale \(Linux\): overwrites the whole mark of uplink, bulk, interactive/,
    );
  });

  it('reports known conflicts: Calico over uplink, Tailscale src_valid_mark on routed fields, wg-quick restores', async () => {
    const { out } = await run(['check', example('edge-router'), '--json']);
    const conflicts = (
      JSON.parse(out) as { conflicts: { field: string; consumer: string; severity: string; bits: string }[] }
    ).conflicts;
    expect(conflicts).toContainEqual(
      expect.objectContaining({
        field: 'uplink',
        consumer: 'calico',
        severity: 'shares-bits',
        bits: '0x3000000',
      }),
    );
    expect(conflicts).toContainEqual(
      expect.objectContaining({ field: 'uplink', consumer: 'tailscale', severity: 'sysctl-side-effect' }),
    );
    expect(conflicts).toContainEqual(
      expect.objectContaining({ field: 'bulk', consumer: 'wg-quick', severity: 'whole-mark-overwrite' }),
    );
    // bulk is not routed on, so src_valid_mark does not concern it.
    expect(conflicts).not.toContainEqual(
      expect.objectContaining({ field: 'bulk', severity: 'sysctl-side-effect' }),
    );
  });

  it('exits 1 for an invalid document and lists every error', async () => {
    const { code, out } = await run(['check', file('bad.json', bad), '--json']);
    expect(code).toBe(1);
    expect(JSON.parse(out)).toEqual({
      valid: false,
      errors: [
        { field: 'layout.fields[1].mask', message: 'fields "a" and "b" overlap in fwmark bits 0xc' },
        {
          field: 'policy.routes[0].table',
          message: `table 254 is the kernel's "main" table (reserved; only a binding with suppress_prefixlength may look it up, and none may own it) (got 254)`,
        },
      ],
      conflicts: [],
    });
  });

  it('prints a readable report without --json', async () => {
    const valid = await run(['check', example('edge-router')]);
    expect(valid.out).toMatch(/valid document "edge-router" \(3 fields, 5 rules, 2 routes, 4 classes\)/);
    expect(valid.out).toMatch(
      /uplink +fwmark +0x03000000 +bits 24-25 enum \{isp1=1, isp2=2\} +persist newOnly/,
    );
    expect(valid.out).toMatch(
      /if you install Calico felix[^\n]*: shares bits 24-27 \(uplink, bulk, interactive\)/,
    );
    const invalid = await run(['check', file('bad2.json', bad)]);
    expect(invalid.code).toBe(1);
    expect(invalid.out).toMatch(
      /invalid, 2 error\(s\)\n {2}layout\.fields\[1\]\.mask: fields "a" and "b" overlap/,
    );
  });

  it('names the file and position of a file that is not JSON', async () => {
    const path = file('broken.json', '{\n  "format": "markwright/1",\n  "name" "x"\n}');
    await expect(run(['check', path])).rejects.toThrow(
      new RegExp(`^${path}: is not valid JSON at line 3 column 10`),
    );
    const json = await run(['check', path, '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.out).errors[0].field).toBe(path);
  });

  it('refuses a missing file, a missing argument and unknown subcommands', async () => {
    await expect(run(['check', join(dir, 'none.json')])).rejects.toThrow(
      /none\.json: cannot be read: no such file/,
    );
    await expect(run(['check'])).rejects.toThrow(/FILE: expected exactly one document file/);
    await expect(run(['lint', 'x'])).rejects.toThrow(InputError);
    await expect(run(['check', 'x', '--jsn'])).rejects.toThrow(/--jsn: unknown option/);
  });
});

const IPTABLES_SAVE = `*mangle
:PREROUTING ACCEPT [0:0]
-A PREROUTING -i eth0 -j MARK --set-xmark 0x1000000/0x1000000
-A PREROUTING -m mark --mark 0x4000000/0x4000000 -j ACCEPT
-A PREROUTING -j MARK --set-xmark 0x4000/0x4000
COMMIT
`;
const NFT_JSON = {
  nftables: [
    { metainfo: { version: '1.0.6', release_name: 'Lester Gooch #5', json_schema_version: 1 } },
    { table: { family: 'inet', name: 't', handle: 1 } },
    {
      chain: {
        family: 'inet',
        table: 't',
        name: 'c',
        handle: 1,
        type: 'filter',
        hook: 'prerouting',
        prio: -150,
        policy: 'accept',
      },
    },
    {
      rule: {
        family: 'inet',
        table: 't',
        chain: 'c',
        handle: 2,
        expr: [
          {
            mangle: {
              key: { meta: { key: 'mark' } },
              value: { '|': [{ meta: { key: 'mark' } }, 0x8000000] },
            },
          },
        ],
      },
    },
  ],
};

describe('layout check --host-rules', () => {
  it('reports host rules from iptables-save and nft JSON that touch the layout bits', async () => {
    const ipt = file('host.ipt', IPTABLES_SAVE);
    const nft = file('host.json', NFT_JSON);
    const { code, out } = await run([
      'check',
      example('edge-router'),
      '--host-rules',
      ipt,
      '--host-rules',
      nft,
      '--json',
    ]);
    expect(code).toBe(0);
    const host = (JSON.parse(out) as { conflicts: Record<string, string>[] }).conflicts.filter(
      (c) => c.source === 'host',
    );
    // The rule text comes from the analysis' own printer; only its place is pinned here.
    expect(host.map((c) => `${c.field} ${c.bits} ${c.severity} ${c.consumer?.split(':')[0]}`)).toEqual([
      'uplink 0x1000000 shares-bits ip mangle PREROUTING #1',
      'bulk 0x4000000 shares-bits ip mangle PREROUTING #2',
      'interactive 0x8000000 shares-bits inet t c #1',
    ]);
    expect(host[0]!.consumer).toContain('--set-xmark 0x1000000/0x1000000');
    expect(host.every((c) => c.presence === 'detected')).toBe(true);
  });

  it('a consumer seen in the host rules is detected: its conflicts are listed in full, first', async () => {
    const ipt = file(
      'tailscale.ipt',
      '*mangle\n:PREROUTING ACCEPT [0:0]\n:ts-prerouting - [0:0]\n-A PREROUTING -j ts-prerouting\nCOMMIT\n',
    );
    const { out } = await run(['check', example('edge-router'), '--host-rules', ipt, '--json']);
    const conflicts = (JSON.parse(out) as { conflicts: { consumer: string; presence: string }[] }).conflicts;
    const tailscale = conflicts.filter((c) => c.consumer === 'tailscale');
    expect(tailscale.length).toBeGreaterThan(0);
    expect(tailscale.every((c) => c.presence === 'detected')).toBe(true);
    expect(conflicts[0]!.presence).toBe('detected');
    const text = (await run(['check', example('edge-router'), '--host-rules', ipt])).out;
    expect(text).toMatch(/conflicts on this box \(\d+;/);
    expect(text).toMatch(/with tailscale \[known\]/);
    expect(text).not.toMatch(/if you install Tailscale/);
  });

  it('finds no host conflict for rules on other bits', async () => {
    const ipt = file(
      'other.ipt',
      '*mangle\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -j MARK --set-xmark 0x4000/0x4000\nCOMMIT\n',
    );
    const { out } = await run(['check', example('edge-router'), '--host-rules', ipt, '--json']);
    expect(
      (JSON.parse(out) as { conflicts: { source: string }[] }).conflicts.filter((c) => c.source === 'host'),
    ).toEqual([]);
  });

  it('names the host rules file in its errors', async () => {
    const broken = file('broken.ipt', '*mangle\n-A X -j MARK --bogus\n');
    await expect(run(['check', example('edge-router'), '--host-rules', broken])).rejects.toThrow(
      new RegExp(`^${broken}: input line 2`),
    );
    await expect(
      run(['check', example('edge-router'), '--host-rules', join(dir, 'gone.ipt')]),
    ).rejects.toThrow(/gone\.ipt: cannot be read: no such file/);
  });
});

describe('the built command', () => {
  it('exits 0 for a valid document and 1, with the message on stderr, for a broken file', async () => {
    const bundle = join(dir, 'markwright.mjs');
    await build({
      entryPoints: [join(cliRoot, 'src/main.ts')],
      outfile: bundle,
      bundle: true,
      platform: 'node',
      format: 'esm',
      external: ['better-sqlite3', 'electron'],
      banner: {
        js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
      },
      logLevel: 'error',
    });
    const ok = spawnSync(process.execPath, [bundle, 'layout', 'check', example('k8s-node')], {
      encoding: 'utf8',
    });
    expect(ok.status).toBe(0);
    const broken = file('broken2.json', '[1, 2');
    const no = spawnSync(process.execPath, [bundle, 'layout', 'check', broken], { encoding: 'utf8' });
    expect(no.status).toBe(1);
    expect(no.stderr).toMatch(/broken2\.json: is not valid JSON/);
    const invalid = spawnSync(
      process.execPath,
      [bundle, 'layout', 'check', file('bad3.json', bad), '--json'],
      {
        encoding: 'utf8',
      },
    );
    expect(invalid.status).toBe(1);
    expect(JSON.parse(invalid.stdout).valid).toBe(false);
  });
});
