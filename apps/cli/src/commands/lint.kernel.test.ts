import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dualWanFile } from '@markwright/core/testing';
import { createRouterLab, kernelSkip, makeTempDir, type RouterLab, removeTempDir } from '@markwright/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleMain, type CliRun } from '../testing/cli-bundle';

// lint --target on a real router namespace: the client LAN on r0, uplinks on r1 (main default) and r2 (table
// 100 default). HTTPS from the LAN marked into table 100 with the mark restored from the ct mark: the box's own
// routes make the reply leave by r2 again. The probe reads routes, ip rules and sysctls inside the namespace.

const skip = kernelSkip('lint kernel tests', ['ip', 'nft', 'sysctl']);

const design = (binding: Record<string, unknown>) => dualWanFile({ lan: 'r0', table: 100, binding });

describe.skipIf(skip)('lint --target netns:NAME', () => {
  let lab: RouterLab;
  let cli: CliRun;
  let bundleDir: string;
  const dir = makeTempDir('lint-kernel');
  const doc = (name: string, binding: Record<string, unknown> = {}) => {
    const path = join(dir, `${name}.json`);
    writeFileSync(path, JSON.stringify(design(binding)));
    return path;
  };
  const lint = (file: string) => {
    const r = cli(['lint', file, '--target', `netns:${lab.router.name}`, '--json']);
    return {
      code: r.code,
      stderr: r.stderr,
      findings: (JSON.parse(r.stdout || '{"findings":[]}') as { findings: Record<string, string>[] })
        .findings,
    };
  };

  beforeAll(() => {
    ({ cli, dir: bundleDir } = bundleMain());
    lab = createRouterLab('lint');
  });
  afterAll(() => {
    lab?.destroy();
    removeTempDir(dir);
    removeTempDir(bundleDir);
  });

  it("finds reply-path for the dual-WAN design without managed tables or iif, on the namespace's own routes", () => {
    const r = lint(doc('plain'));
    expect(r.code).toBe(1);
    const reply = r.findings.find((f) => f.code === 'reply-path');
    expect(reply).toMatchObject({ severity: 'error', path: 'policy.rules[0]' });
    expect(reply!.message).toMatch(/the reply leaves by r2, but the connection arrived on r0/);
    expect(r.findings.find((f) => f.code === 'table-incomplete')).toMatchObject({ path: 'policy.routes[0]' });
    expect(r.findings.find((f) => f.code === 'table-incomplete')!.message).toMatch(/10\.70\.0\.0\/24/);
  });

  it('plan shows the same findings, in its text and in --json under "lint", without changing its exit code', () => {
    const file = doc('plan');
    const state = ['--state-dir', join(dir, 'state'), '--target', `netns:${lab.router.name}`];
    const j = cli(['plan', file, ...state, '--json']);
    expect(j.code).toBe(0);
    const report = JSON.parse(j.stdout) as { changes: unknown[]; lint: Record<string, string>[] };
    expect(report.changes.length).toBeGreaterThan(0);
    expect(report.lint.find((f) => f.code === 'reply-path')).toMatchObject({
      severity: 'error',
      path: 'policy.rules[0]',
    });
    const t = cli(['plan', file, ...state]);
    expect(t.stdout).toMatch(
      /^lint error reply-path policy\.rules\[0\]: "https via isp2": the reply leaves by r2/m,
    );
  });

  it('is clean when the binding selects by iif r0', () => {
    const r = lint(doc('iif', { iif: 'r0' }));
    expect(r).toMatchObject({ code: 0, findings: [] });
  });

  it('reads rp_filter from the namespace: strict on r2 drops the replies routed there by mark', () => {
    lab.router.sysctl('net.ipv4.conf.r2.rp_filter', '1');
    try {
      const r = lint(doc('iif-rp', { iif: 'r0' }));
      expect(r.code).toBe(1);
      expect(r.findings.map((f) => f.code)).toEqual(['rp-filter']);
      expect(r.findings[0]!.message).toMatch(/rp_filter=1 \(strict\) on r2 drops the reply packet/);
    } finally {
      lab.router.sysctl('net.ipv4.conf.r2.rp_filter', '0');
    }
  });
});
