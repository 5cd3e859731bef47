import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ApplyResult, DeploymentRecord } from '@markwright/host';
import { createRouterLab, kernelSkip, type RouterLab } from '@markwright/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleCli, type CliRun } from '../testing/cli-bundle';

const skip = kernelSkip('confirm-when-verified tests', ['ip', 'nft', 'tc', 'python3']);

/** A dual-WAN router: VoIP and the router's own DNS leave by uplink 2 (table 100), ssh is interactive. */
const ROUTER_DOC = {
  format: 'markwright/1',
  name: 'verified-router',
  layout: {
    fields: [
      { name: 'uplink', kind: 'enum', offset: 24, width: 2, values: { isp1: 1, isp2: 2 } },
      { name: 'interactive', kind: 'flag', offset: 27 },
    ],
  },
  policy: {
    rules: [
      { name: 'voip via isp2', match: { iif: 'r0', proto: 'udp', dport: 5060 }, set: { uplink: 'isp2' } },
      { name: 'ssh is interactive', match: { iif: 'r0', proto: 'tcp', dport: 22 }, set: { interactive: 1 } },
      {
        name: 'router dns via isp2',
        hook: 'output',
        match: { proto: 'udp', dport: 53 },
        set: { uplink: 'isp2' },
      },
    ],
    routes: [{ when: { uplink: 'isp2' }, table: 100, priority: 10002, family: 4 }],
    classes: [],
  },
};

// Each apply sends real packets and probes the router; on a loaded machine one takes several seconds.
describe.skipIf(skip)(
  'apply --confirm-when-verified checks the live router before keeping a change',
  { timeout: 240_000 },
  () => {
    let lab: RouterLab;
    let dir: string;
    let cli: CliRun;
    let doc: string;
    let doc2: string;
    const common = () => [
      '--target',
      `netns:${lab.router.name}`,
      '--state-dir',
      join(dir, 'state'),
      '--root-dir',
      join(dir, 'root'),
    ];
    const apply = (file: string, ...extra: string[]) => {
      const r = cli(['apply', file, ...common(), '--confirm-when-verified', ...extra]);
      if (r.code === 2) throw new Error(`apply failed: ${r.stderr}`);
      return { ...r, result: extra.includes('--json') ? (JSON.parse(r.stdout) as ApplyResult) : null };
    };
    const history = () => JSON.parse(cli(['history', ...common(), '--json']).stdout) as DeploymentRecord[];
    const ownedScript = () => lab.router.exec(['nft', 'list', 'table', 'inet', 'markwright']).stdout;

    beforeAll(() => {
      lab = createRouterLab('cvf');
      ({ cli, dir } = bundleCli());
      doc = join(dir, 'router.json');
      doc2 = join(dir, 'router2.json');
      writeFileSync(doc, JSON.stringify(ROUTER_DOC));
      writeFileSync(doc2, JSON.stringify({ ...ROUTER_DOC, name: 'verified-router-2' }));
    });

    afterAll(() => {
      lab?.destroy();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('keeps a correct design without waiting for anyone (verified)', () => {
      const r = apply(doc, '--json');
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const v = r.result!.verification!;
      expect(v.ok).toBe(true);
      expect(v.rules.map((x) => [x.rule, x.skipped ?? 'checked', x.seen?.table, x.seen?.oif])).toEqual([
        ['voip via isp2', 'checked', '100', 'r2'],
        ['ssh is interactive', 'checked', 'main', 'r1'],
        ['router dns via isp2', 'checked', '100', 'r2'],
      ]);
      expect(v.rules[0]!.seen!.mark).toBe(0x02000000);
      expect(v.rules[1]!.seen!.mark).toBe(0x08000000);
      expect(r.result!.deployment.outcome).toBe('verified');
      expect(r.result!.confirmDeadline).toBeNull();
      expect(history().map((d) => d.outcome)).toEqual(['verified']);
      // Nothing of the check is left behind: no observer table, no scratch namespace or device.
      expect(lab.router.exec(['nft', 'list', 'tables']).stdout).not.toMatch(/markwright_verify/);
      expect(lab.router.exec(['ip', '-br', 'link']).stdout).not.toMatch(/mwv/);
      console.log(`verification of ${v.rules.length} rules: ${v.durationMs} ms`);
    });

    it('reverts at once when a foreign rule overwrites the whole mark after ours (exit 3, field named)', () => {
      const before = ownedScript();
      // wg-quick's unmasked restore: `meta mark set ct mark` in prerouting, after the mangle priority.
      lab.router.nft(
        'table ip wgquick {\n  chain pre {\n    type filter hook prerouting priority -140; policy accept;\n    meta mark set ct mark\n  }\n}\n',
      );
      try {
        const r = apply(doc2, '--json');
        expect(r.code).toBe(3);
        const d = r.result!.verification!.disagreements;
        expect(d).toContainEqual({
          rule: 'voip via isp2',
          field: 'uplink',
          expected: 'isp2 (mark 0x02000000)',
          seen: 'unset (0) (mark 0x00000000)',
        });
        expect(d).toContainEqual({ rule: 'voip via isp2', field: 'table', expected: '100', seen: 'main' });
        expect(d).toContainEqual({ rule: 'voip via isp2', field: 'oif', expected: 'r2', seen: 'r1' });
        expect(d.filter((x) => x.rule === 'router dns via isp2')).toEqual([]);
        expect(r.result!.deployment.outcome).toBe('reverted-by-verification');
        expect(ownedScript()).toBe(before);
        expect(history().map((x) => x.outcome)).toEqual(['verified', 'reverted-by-verification']);
        const text = apply(doc2);
        expect(text.code).toBe(3);
        expect(text.stdout).toContain("rule 'voip via isp2': the box disagrees");
        expect(text.stdout).toContain('uplink: expected isp2 (mark 0x02000000), seen unset (0)');
        expect(text.stdout).toContain('reverted: the box did not do what the document says');
      } finally {
        lab.router.exec(['nft', 'delete', 'table', 'ip', 'wgquick']);
      }
    });

    it('reverts when the route the document relies on is gone', () => {
      lab.router.exec(['ip', 'route', 'del', 'default', 'table', '100']);
      try {
        const r = apply(doc2, '--json');
        expect(r.code).toBe(3);
        expect(r.result!.verification!.disagreements).toContainEqual({
          rule: 'voip via isp2',
          field: 'table',
          expected: '100',
          seen: 'main',
        });
        expect(r.result!.deployment.outcome).toBe('reverted-by-verification');
      } finally {
        lab.router.exec([
          'ip',
          'route',
          'add',
          'default',
          'via',
          '198.51.100.2',
          'dev',
          'r2',
          'table',
          '100',
        ]);
      }
    });

    it('rolls back with the same check', () => {
      expect(apply(doc2).code).toBe(0);
      const r = cli(['rollback', ...common(), '--confirm-when-verified', '--json']);
      expect(r.code).toBe(0);
      const record = JSON.parse(r.stdout) as DeploymentRecord;
      expect(record.outcome).toBe('verified');
      expect(record.documentName).toBe('verified-router');
      expect(record.verification!.rules.filter((x) => x.skipped === undefined)).toHaveLength(3);
    });
  },
);
