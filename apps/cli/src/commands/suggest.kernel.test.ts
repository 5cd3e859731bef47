import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kernelSkip, Netns } from '@markwright/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../testing/run-command';
import suggest from './suggest';

const skip = kernelSkip('suggest kernel tests', ['ip', 'nft', 'iptables-restore']);

describe.skipIf(skip)('suggest --target netns:NAME', () => {
  let ns: Netns;
  let root: string;
  beforeAll(() => {
    ns = Netns.create('sugg');
    // kube-proxy's masquerade bit and Tailscale's chains and ip rules, as each writes them.
    ns.exec(['iptables-restore'], {
      input: [
        '*nat',
        ':POSTROUTING ACCEPT [0:0]',
        ':KUBE-MARK-MASQ - [0:0]',
        '-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000',
        'COMMIT',
        '*mangle',
        ':PREROUTING ACCEPT [0:0]',
        ':ts-prerouting - [0:0]',
        '-A PREROUTING -j ts-prerouting',
        'COMMIT',
        '',
      ].join('\n'),
    });
    ns.exec(['ip', 'rule', 'add', 'pref', '10000', 'fwmark', '0x80000/0xff0000', 'lookup', 'main']);
    ns.exec(['ip', 'route', 'add', 'blackhole', '10.9.0.0/16', 'table', '100']);
    // A private root whose nftables.conf flushes the ruleset on reload.
    root = mkdtempSync(join(tmpdir(), 'mw-suggest-root-'));
    mkdirSync(join(root, 'etc'), { recursive: true });
    writeFileSync(
      join(root, 'etc/nftables.conf'),
      '#!/usr/sbin/nft -f\nflush ruleset\ntable inet filter {\n}\n',
    );
  });
  afterAll(() => {
    ns?.destroy();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('proposes bits, a priority band and tables clear of everything detected, and names the hazards', async () => {
    const { code, out } = await runCommand(suggest, [
      '--target',
      `netns:${ns.name}`,
      '--root-dir',
      root,
      '--width',
      '4',
      '--json',
    ]);
    expect(code).toBe(0);
    const s = JSON.parse(out) as {
      fwmark: { offset: number; width: number; mask: string }[];
      priorities: { from: number; to: number };
      tables: number[];
      consumers: { consumer: string }[];
      hazards: { id: string }[];
    };
    expect(s.consumers.map((c) => c.consumer).sort()).toEqual(['kube-proxy', 'tailscale']);
    for (const run of s.fwmark) {
      const mask = Number.parseInt(run.mask, 16);
      // kube-proxy's live bit, Tailscale's catalogue mask (live rule and catalogue).
      expect(mask & 0x4000, run.mask).toBe(0);
      expect(mask & 0xff0000, run.mask).toBe(0);
      expect(run.width).toBeGreaterThanOrEqual(4);
    }
    expect(s.priorities.from).toBeGreaterThan(10000);
    expect(s.tables).not.toContain(100);
    expect(s.tables).not.toContain(52);
    expect(s.hazards.map((h) => h.id)).toEqual(['nftables-flush-ruleset']);
    const text = (await runCommand(suggest, ['--target', `netns:${ns.name}`, '--root-dir', root])).out;
    expect(text).toMatch(/detected kube-proxy, tailscale|detected tailscale, kube-proxy/);
    expect(text).toMatch(/fix: replace "flush ruleset"/);
  });

  it('refuses a bad width with a one-line error naming the flag', async () => {
    await expect(runCommand(suggest, ['--target', `netns:${ns.name}`, '--width', '40'])).rejects.toThrow(
      /--width: must be 1\.\.32 \(got "40"\)/,
    );
  });
});
