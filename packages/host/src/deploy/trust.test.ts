// The privileged side trusts nothing it reads: state files, planted links, foreign rules with our tag.
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeKernel } from '../testing/fake-kernel';
import type { OwnedState } from '../types';
import { writeJsonAtomic } from './atomic-file';
import type { DeployContext } from './context';
import { apply, confirm, history, status, uninstall } from './operations';
import { DEFAULT_OWNERSHIP, wrapTableBody } from './ownership';
import { plan } from './plan';
import { rollback } from './rollback';
import { StateStore } from './state-store';

const state = (n: number): OwnedState => ({
  nftScript: wrapTableBody(
    `table inet markwright {\n\tchain prerouting {\n\t\tmeta mark set 0x${n}\n\t}\n}\n`,
  ),
  ipRules: { v4: [`priority 10100 from all fwmark 0x${n} lookup 100 proto 77`], v6: [] },
  tcFilters: [],
});
const input = (s: OwnedState, confirmTimeout: number) => ({
  wanted: s,
  document: '/d.json',
  documentName: 'd',
  confirmTimeout,
});
const asRoot = process.getuid?.() === 0;
const mutatingCalls = (kernel: FakeKernel, from: number) =>
  kernel.runner.calls.slice(from).filter((c) => c.argv.includes('-f') || c.argv.includes('-batch'));

describe('the privileged side trusts nothing it reads', () => {
  let dir: string;
  let kernel: FakeKernel;
  let ctx: DeployContext;
  let clock: number;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mw-trust-'));
    kernel = new FakeKernel();
    clock = Date.parse('2026-01-01T00:00:00Z');
    ctx = {
      runner: kernel.runner,
      store: new StateStore(join(dir, 'state'), { kind: 'local' }),
      ownership: DEFAULT_OWNERSHIP,
      rootDir: join(dir, 'root'),
      now: () => new Date(clock++),
      launchWatchdog: () => null,
    };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('an ip rule with our protocol outside our priority range is not ours: apply and uninstall keep it', async () => {
    const foreign = 'priority 500 from all fwmark 0x1 lookup main proto 77';
    kernel.rules.v4.push(foreign);
    await apply(ctx, input(state(1), 0));
    expect(kernel.rules.v4).toEqual([foreign, ...state(1).ipRules.v4]);
    await uninstall(ctx);
    expect(kernel.rules.v4).toEqual([foreign]);
  });

  describe('a crafted journal is refused, naming the file, and nothing runs', () => {
    const crafted: [string, (j: Record<string, unknown>) => void, RegExp][] = [
      [
        'a foreign nft table',
        (j) => {
          (j.restoreTo as { nft: unknown }).nft = [{ table: { family: 'ip', name: 'other' } }];
        },
        /restoreTo\.nft.*ip other.*only inet markwright/,
      ],
      [
        'a command smuggled into an ip rule line',
        (j) => {
          (j.restoreTo as { ipRules: { v4: string[] } }).ipRules.v4 = [
            'priority 10100 from all lookup main proto 77\nroute add 192.0.2.0/24 dev lo',
          ];
        },
        /restoreTo\.ipRules\.v4\[0\] must be one ip rule/,
      ],
      [
        'an ip rule outside our range',
        (j) => {
          (j.restoreTo as { ipRules: { v4: string[] } }).ipRules.v4 = [
            'priority 10100 from all lookup main priority 5 proto 77',
          ];
        },
        /restoreTo\.ipRules\.v4\[0\] must name its priority and protocol once/,
      ],
      [
        'a qdisc instead of a filter',
        (j) => {
          j.tcLines = ['qdisc add dev lo root handle 1: htb'];
        },
        /tcLines\[0\] must be a tc filter line/,
      ],
      [
        'a tc filter outside our band',
        (j) => {
          j.tcLines = ['filter add dev lo parent root protocol all prio 10 handle 0x1/0x1 fw classid 1:1'];
        },
        /tcLines\[0\] prio must be within 49000\.\.49999/,
      ],
    ];
    it.each(crafted)('%s', async (_, craft, message) => {
      await apply(ctx, input(state(1), 0));
      const journal = JSON.parse(JSON.stringify({ ...history(ctx)[0]!, draft: null }));
      const j = {
        op: 'revert',
        deploymentId: null,
        pid: 999_999_999,
        startedAt: new Date().toISOString(),
        restoreTo: journal.state,
        tcLines: [],
        draft: null,
      };
      craft(j);
      writeFileSync(join(ctx.store.dir, 'journal.json'), JSON.stringify(j));
      const ran = kernel.runner.calls.length;
      const error = await status(ctx).catch((e: unknown) => e as Error);
      expect(String(error)).toMatch(new RegExp(`^EnvironmentError: ${ctx.store.dir}/journal\\.json: `));
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain('\n');
      const mutating = kernel.runner.calls
        .slice(ran)
        .filter((c) => c.argv.includes('-f') || c.argv.includes('-batch'));
      expect(mutating).toEqual([]);
    });
  });

  it('a corrupt record gives one line naming the file and leaves unrelated verbs working', async () => {
    await apply(ctx, input(state(1), 0));
    writeFileSync(join(ctx.store.dir, 'deployments', '20250101-000000000-0000.json'), '{"id": ');
    // History lists what it can read and says which file it skipped.
    expect(history(ctx).map((d) => d.outcome)).toEqual(['confirmed']);
    expect(ctx.store.unreadable).toEqual([
      `${ctx.store.dir}/deployments/20250101-000000000-0000.json: is not valid JSON`,
    ]);
    expect((await status(ctx)).state).toBe('confirmed');
    writeFileSync(join(ctx.store.dir, 'journal.json'), 'garbage');
    await expect(status(ctx)).rejects.toThrow(`${ctx.store.dir}/journal.json: is not valid JSON`);
    expect(history(ctx)).toHaveLength(1);
    const report = await plan(ctx.runner, ctx.ownership, { wanted: state(2), document: 'd', known: null });
    expect(report.check.ok).toBe(true);
  });

  it('a crafted deployment record is refused by rollback --to, naming the file, and history skips it', async () => {
    await apply(ctx, input(state(1), 0));
    const good = history(ctx)[0]!;
    const crafted = '20200101-000000000-0001';
    const file = join(ctx.store.dir, 'deployments', `${crafted}.json`);
    const foreignTable = [{ table: { family: 'ip', name: 'other' } }];
    writeFileSync(
      file,
      JSON.stringify({ ...good, id: crafted, state: { ...good.state, nft: foreignTable } }),
    );
    const ran = kernel.runner.calls.length;
    const error = await rollback(ctx, crafted).catch((e: unknown) => e as Error);
    expect((error as Error).message).toBe(
      `${file}: record.state.nft [0].table belongs to ip other; only inet markwright is Markwright's`,
    );
    expect(mutatingCalls(kernel, ran)).toEqual([]);
    expect(history(ctx).map((d) => d.id)).toEqual([good.id]);
    expect(ctx.store.unreadable[0]).toMatch(new RegExp(`^${file}: record\\.state\\.nft`));
  });

  it('a stale pending is cleared when a newer apply needs no confirmation', async () => {
    const first = await apply(ctx, input(state(1), 60));
    await apply(ctx, input(state(2), 0));
    expect(ctx.store.pending()).toBeNull();
    const s = await status(ctx);
    expect([s.state, s.pending]).toEqual(['confirmed', null]);
    expect(ctx.store.deployment(first.deployment.id)?.outcome).toBe('superseded');
  });

  it('a rule added by hand inside our table is drift in status and a removal in plan', async () => {
    await apply(ctx, input(state(1), 0));
    kernel.table = [
      ...kernel.table!,
      { rule: { family: 'inet', table: 'markwright', chain: 'prerouting', expr: [], comment: 'by hand' } },
    ];
    const s = await status(ctx);
    expect([s.state, s.liveMatchesLast]).toEqual(['drifted', false]);
    const report = await plan(ctx.runner, ctx.ownership, {
      wanted: state(1),
      document: 'd',
      known: ctx.store.current()!.state,
    });
    expect(report.changes.filter((c) => c.action === 'remove').length).toBeGreaterThan(0);
  });

  it('temp files never follow a planted link, and a planted state file is refused', () => {
    ctx.store.ensure();
    const victim = join(dir, 'victim');
    writeFileSync(victim, 'precious\n');
    const journal = join(ctx.store.dir, 'journal.json');
    // The names a predictable writer would use: pid-based temp names next to the file.
    for (const name of [`${journal}.tmp-${process.pid}`, `${journal}.tmp`]) symlinkSync(victim, name);
    writeJsonAtomic(journal, { op: 'apply' }, false);
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    rmSync(journal);
    symlinkSync(victim, journal);
    expect(() => ctx.store.journal()).toThrow(`${journal}: is a symbolic link; refusing to follow it`);
  });

  it.skipIf(!asRoot)('as root, refuses a state dir others can write or a linked one', () => {
    const open = join(dir, 'open');
    mkdirSync(open, { mode: 0o777 });
    chmodSync(open, 0o777);
    const store = new StateStore(open, { kind: 'local' });
    expect(() => store.ensure()).toThrow(/state dir .*open is writable by group or others \(mode 777\)/);
    expect(existsSync(store.dir)).toBe(false);
    const linked = join(dir, 'linked');
    symlinkSync(dir, linked);
    expect(() => new StateStore(linked, { kind: 'local' }).ensure()).toThrow(/is a symbolic link/);
    chmodSync(open, 0o755);
    rmSync(open, { recursive: true });
    mkdirSync(open, { mode: 0o700 });
    expect(() => new StateStore(open, { kind: 'local' }).ensure()).not.toThrow();
    chownSync(open, 65534, 65534);
    expect(() => new StateStore(open, { kind: 'local' }).ensure()).toThrow(
      /state dir .*open is owned by uid 65534, not root/,
    );
  });

  it.skipIf(!asRoot)(
    'as root, a persistence dir others can write or own is refused before the kernel is touched',
    async () => {
      const etc = join(ctx.rootDir, 'etc', 'markwright');
      mkdirSync(etc, { recursive: true, mode: 0o755 });
      chmodSync(etc, 0o777);
      const ran = kernel.runner.calls.length;
      await expect(apply(ctx, input(state(1), 0))).rejects.toThrow(
        /persistence dir .*etc\/markwright is writable by group or others/,
      );
      expect(mutatingCalls(kernel, ran)).toEqual([]);
      expect(kernel.rules.v4).toEqual([]);
      // A pending deployment is not kept while its restore files cannot be written safely.
      const pending = await apply(ctx, input(state(2), 60));
      chmodSync(etc, 0o755);
      chownSync(etc, 65534, 65534);
      await expect(confirm(ctx)).rejects.toThrow(/persistence dir .* is owned by uid 65534, not root/);
      expect(ctx.store.deployment(pending.deployment.id)?.outcome).toBe('pending');
      expect(ctx.store.pending()?.id).toBe(pending.deployment.id);
      const before = [...kernel.rules.v4];
      await expect(uninstall(ctx)).rejects.toThrow(/owned by uid 65534/);
      expect(kernel.rules.v4).toEqual(before);
      const systemd = join(ctx.rootDir, 'etc', 'systemd', 'system');
      chownSync(etc, 0, 0);
      mkdirSync(systemd, { recursive: true, mode: 0o755 });
      chmodSync(systemd, 0o757);
      await expect(confirm(ctx)).rejects.toThrow(/systemd dir .*system is writable by group or others/);
      chmodSync(systemd, 0o755);
      await confirm(ctx);
      expect(existsSync(join(etc, 'targets', 'local', 'ruleset.json'))).toBe(true);
    },
  );
});
