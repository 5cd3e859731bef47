import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DUAL_WAN_PASTED_ROUTES, dualWanFile } from '@markwright/core/testing';
import { makeTempDir, removeTempDir } from '@markwright/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleMain, type CliRun } from '../testing/cli-bundle';

// The pinned contract: `markwright lint DOC [--target T | --routes F --ip-rules F] [--json]` prints
// {"findings":[{code,severity,message,path}]} and exits 0 without error-level findings, 1 with, 2 for the environment.

const ROUTES = DUAL_WAN_PASTED_ROUTES;
const COMPLETE = `${ROUTES}10.0.0.0/24 dev lan0 table 200 scope link\n`;
const RULES = '0:\tfrom all lookup local\n32766:\tfrom all lookup main\n32767:\tfrom all lookup default\n';

const doc = dualWanFile();

let cli: CliRun;
let bundleDir: string;
const dir = makeTempDir('lint-cli');
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

beforeAll(() => {
  ({ cli, dir: bundleDir } = bundleMain());
});
afterAll(() => {
  removeTempDir(dir);
  removeTempDir(bundleDir);
});

describe('markwright lint', () => {
  it('prints {"findings":[...]} with code, severity, message and path, and exits 1 on an error', () => {
    const r = cli([
      'lint',
      file('doc.json', JSON.stringify(doc)),
      '--routes',
      file('routes', ROUTES),
      '--ip-rules',
      file('rules', RULES),
      '--json',
    ]);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { findings: Record<string, unknown>[] };
    expect(Object.keys(out)).toEqual(['findings']);
    for (const f of out.findings)
      expect(Object.keys(f).sort()).toEqual(['code', 'message', 'path', 'severity']);
    expect(out.findings.map((f) => [f.code, f.severity, f.path])).toEqual([
      ['reply-path', 'error', 'policy.rules[0]'],
      ['table-incomplete', 'error', 'policy.routes[0]'],
    ]);
  });

  it('exits 0 for a clean design, also with warnings only, and prints text without --json', () => {
    const clean = cli([
      'lint',
      file('doc.json', JSON.stringify(doc)),
      '--routes',
      file('complete', COMPLETE),
    ]);
    expect(clean).toMatchObject({ code: 0, stdout: 'no findings\n' });
    const unread = {
      ...doc,
      layout: { fields: [...doc.layout.fields, { name: 'bulk', kind: 'flag', offset: 26 }] },
    };
    const warn = cli([
      'lint',
      file('warn.json', JSON.stringify(unread)),
      '--routes',
      file('complete', COMPLETE),
    ]);
    expect(warn.code).toBe(0);
    expect(warn.stdout).toMatch(/^warning field-never-read layout\.fields\[1\]: nothing reads "bulk"/m);
    expect(warn.stdout).toMatch(/0 errors, 2 warnings, 0 notes\n$/);
  });

  it('without a box checks the design only, with a note', () => {
    const r = cli(['lint', file('doc.json', JSON.stringify(doc)), '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).findings).toEqual([
      expect.objectContaining({ code: 'routing-unknown', severity: 'info' }),
    ]);
  });

  it('reads sysctls from a file for the reverse-path check', () => {
    const sysctls = file('sysctl', 'net.ipv4.conf.all.rp_filter = 1\nnet.ipv4.conf.all.src_valid_mark = 0\n');
    const r = cli([
      'lint',
      file('doc.json', JSON.stringify(doc)),
      '--routes',
      file('complete', COMPLETE),
      '--sysctls',
      sysctls,
      '--json',
    ]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).findings[0]).toMatchObject({ code: 'rp-filter', path: 'policy.rules[0]' });
  });

  it('refuses bad input with one line naming the field (exit 1), a missing target with exit 2, and answers --help', () => {
    const d = file('doc.json', JSON.stringify(doc));
    const both = cli(['lint', d, '--target', 'netns:x', '--routes', file('routes', ROUTES)]);
    expect(both.code).toBe(1);
    expect(both.stderr).toMatch(/^markwright: --target: .*not both/);
    expect(cli(['lint']).stderr).toMatch(/DOC: a document file is required/);
    const bad = cli([
      'lint',
      file(
        'bad.json',
        JSON.stringify({
          ...doc,
          policy: { ...doc.policy, routes: [{ when: { uplink: 'isp9' }, table: 200, priority: 10002 }] },
        }),
      ),
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/policy\.routes\[0\]\.when\.uplink/);
    expect(cli(['lint', d, '--routes', file('junk', 'not a route at all\n')]).code).toBe(1);
    const gone = cli(['lint', d, '--target', 'netns:mw-lint-no-such-ns']);
    expect(gone.code).toBe(2);
    expect(gone.stderr.trim().split('\n')).toHaveLength(1);
    const help = cli(['lint', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(
      /^usage: markwright lint DOC \[--target T \| --routes FILE --ip-rules FILE\]/,
    );
  });
});
