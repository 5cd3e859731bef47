import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kernelSkip, Netns } from '@markwright/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../testing/run-command';
import layout from './layout';

const skip = kernelSkip('layout check --target kernel tests', ['ip', 'nft']);

// Bit 18 is inside Tailscale's 0xff0000.
const doc = {
  format: 'markwright/1',
  name: 'near-tailscale',
  layout: { fields: [{ name: 'wan', kind: 'flag', offset: 18 }] },
  policy: { routes: [] },
};

interface Report {
  conflicts: { consumer: string; presence: string; severity: string; detail: string; evidence?: string[] }[];
}

describe.skipIf(skip)('layout check --target netns:NAME', () => {
  let ns: Netns;
  let dir: string;
  let file: string;
  beforeAll(() => {
    ns = Netns.create('lytgt');
    // An empty private root: no processes or config files, so only the namespace's interfaces count.
    dir = mkdtempSync(join(tmpdir(), 'mw-layout-target-'));
    file = join(dir, 'doc.json');
    writeFileSync(file, JSON.stringify(doc));
  });
  afterAll(() => {
    ns?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const check = async (json: boolean) =>
    runCommand(layout, [
      'check',
      file,
      '--target',
      `netns:${ns.name}`,
      '--root-dir',
      join(dir, 'root'),
      ...(json ? ['--json'] : []),
    ]);

  it('reports Tailscale detected once its interface is in the namespace, catalogue before', async () => {
    const before = JSON.parse((await check(true)).out) as Report;
    const tsBefore = before.conflicts.filter((c) => c.consumer === 'tailscale');
    expect(tsBefore.length).toBeGreaterThan(0);
    expect(tsBefore.every((c) => c.presence === 'catalogue')).toBe(true);

    ns.exec(['ip', 'link', 'add', 'tailscale0', 'type', 'veth', 'peer', 'name', 'tsp0']);
    const { code, out } = await check(true);
    expect(code).toBe(0);
    const after = JSON.parse(out) as Report;
    const ts = after.conflicts.filter((c) => c.consumer === 'tailscale');
    expect(ts.length).toBe(tsBefore.length);
    for (const c of ts) {
      expect(c.presence).toBe('detected');
      expect(c.evidence).toEqual(['interface tailscale0']);
    }
    expect(after.conflicts.find((c) => c.consumer === 'calico')?.presence).toBe('catalogue');
    const text = (await check(false)).out;
    expect(text).toMatch(/conflicts on this box \(\d+;/);
    expect(text).toContain('seen: interface tailscale0');
    expect(text).not.toMatch(/if you install Tailscale/);
  });

  it('refuses --root-dir without --target', async () => {
    await expect(runCommand(layout, ['check', file, '--root-dir', dir])).rejects.toThrow(
      /--root-dir: only with --target/,
    );
  });
});

describe.skipIf(skip)(
  'layout check --target netns:NAME with a root holding packages and config files',
  () => {
    let ns: Netns;
    let dir: string;
    let file: string;
    beforeAll(() => {
      ns = Netns.create('lytver');
      ns.exec(['ip', 'link', 'add', 'tailscale0', 'type', 'veth', 'peer', 'name', 'tsp0']);
      dir = mkdtempSync(join(tmpdir(), 'mw-layout-version-'));
      file = join(dir, 'doc.json');
      writeFileSync(file, JSON.stringify(doc));
      const put = (path: string, text: string) => {
        mkdirSync(join(dir, 'root', path, '..'), { recursive: true });
        writeFileSync(join(dir, 'root', path), text);
      };
      put('/var/lib/dpkg/status', 'Package: tailscale\nStatus: install ok installed\nVersion: 1.94.0\n');
      put('/etc/config/mwan3', "config globals 'globals'\n\toption mmx_mask '0x3F00'\n");
    });
    afterAll(() => {
      ns?.destroy();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it("uses the installed version's bits, and the host's config files do not make mwan3 present in the namespace", async () => {
      const { code, out } = await runCommand(layout, [
        'check',
        file,
        '--target',
        `netns:${ns.name}`,
        '--root-dir',
        join(dir, 'root'),
        '--json',
      ]);
      expect(code).toBe(0);
      const report = JSON.parse(out) as Report;
      const ts = report.conflicts.filter((c) => c.consumer === 'tailscale');
      // 1.94 has no conntrack restore, so no whole-mark overwrite: only the shared 0xff0000 bits.
      expect(ts.map((c) => c.severity)).toEqual(['shares-bits']);
      expect(ts.every((c) => c.presence === 'detected')).toBe(true);
      expect(
        report.conflicts.filter((c) => c.consumer === 'mwan3').every((c) => c.presence === 'catalogue'),
      ).toBe(true);
    });
  },
);
