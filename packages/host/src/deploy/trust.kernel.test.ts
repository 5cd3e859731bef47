// Attacks on the privileged side, on a real kernel in private namespaces: crafted state files, a hostile rule
// comment inside our table, and the boot restore replayed into a fresh namespace.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kernelSkipReason, Netns } from '@markwright/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSystemRunner } from '../exec/runner';
import { parseTarget, targetKey } from '../exec/target';
import { addForeignState, foreignState } from '../testing/foreign';
import { SAMPLE_DOC } from '../testing/sample-doc';
import type { Target } from '../types';
import type { DeployContext } from './context';
import { readOwnedState } from './kernel-state';
import { apply, confirm, history, locked, revertPending, status, uninstall } from './operations';
import { ownedStateFromDocument, readDocument } from './owned-from-document';
import { sameTable } from './owned-table';
import { DEFAULT_OWNERSHIP } from './ownership';
import { persistencePaths } from './persistence';
import { plan } from './plan';
import { openSession } from './session';
import { CorruptStateError } from './state-errors';

const skip = kernelSkipReason(['ip', 'nft', 'iptables', 'tc']);
if (skip) console.log(`skipping deploy trust kernel tests: ${skip}`);

function docFor(port: number) {
  const d = structuredClone(SAMPLE_DOC);
  d.policy.rules[0]!.match.dport = port;
  return d;
}
const wanted = (port: number) =>
  ownedStateFromDocument(readDocument(JSON.stringify(docFor(port)), 'doc'), DEFAULT_OWNERSHIP);
const input = (port: number, confirmTimeout: number) => ({
  wanted: wanted(port),
  document: 'doc',
  documentName: 'doc',
  confirmTimeout,
});

describe.skipIf(skip)('the privileged side on a real kernel', () => {
  let ns: Netns;
  let dir: string;
  let ctx: DeployContext;
  let before: string;
  const made: Netns[] = [];
  const target = (): Target => parseTarget(`netns:${ns.name}`);
  const sessionFor = (t: Target) =>
    openSession({ target: t, stateDir: join(dir, 'state'), rootDir: join(dir, 'root') });
  const noWatchdog = (c: DeployContext): DeployContext => ({ ...c, launchWatchdog: () => null });
  const ourChain = () =>
    (
      JSON.parse(ns.exec(['nft', '-j', 'list', 'table', 'inet', 'markwright']).stdout).nftables as {
        chain?: { name: string };
      }[]
    ).find((o) => o.chain)!.chain!.name;
  const fresh = (prefix: string) => {
    const n = Netns.create(prefix);
    made.push(n);
    return n;
  };

  beforeAll(async () => {
    ns = Netns.create('trust');
    ns.exec(['ip', 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1']);
    ns.exec(['ip', 'link', 'set', 'v0', 'up']);
    addForeignState(ns, 'v0');
    dir = mkdtempSync(join(tmpdir(), 'mw-trust-'));
    ctx = noWatchdog(await sessionFor(target()));
    before = foreignState(ns, 'v0');
  });
  afterAll(() => {
    ns?.destroy();
    for (const n of made) n.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a crafted journal cannot delete a foreign table, add a route or a qdisc: status refuses it, naming the file', async () => {
    await apply(ctx, input(6001, 0));
    const journal = join(ctx.store.dir, 'journal.json');
    writeFileSync(
      journal,
      JSON.stringify({
        op: 'revert',
        deploymentId: null,
        pid: 999_999_999,
        startedAt: new Date().toISOString(),
        restoreTo: {
          nftScript: 'add table inet markwright\ndelete table inet markwright\ndelete table inet other\n',
          ipRules: {
            v4: ['priority 10100 from all lookup main proto 77\nroute add 198.51.100.0/24 dev lo'],
            v6: [],
          },
          tcFilters: ['qdisc add dev v1 root handle 1: prio'],
          nft: [{ table: { family: 'inet', name: 'other' } }],
        },
        tcLines: [],
        draft: null,
      }),
    );
    const error = await status(ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CorruptStateError);
    expect(String((error as Error).message)).toMatch(new RegExp(`^${journal}: restoreTo\\.\\S+ [^\\n]+$`));
    expect(foreignState(ns, 'v0')).toBe(before);
    expect(ns.exec(['ip', 'route', 'show']).stdout).not.toContain('198.51.100.0/24');
    expect(ns.exec(['tc', 'qdisc', 'show', 'dev', 'v1']).stdout).not.toContain('prio');
    // Verbs that do not need the journal still work.
    expect(history(ctx).length).toBeGreaterThan(0);
    rmSync(journal);
    expect((await status(ctx)).state).toBe('confirmed');
  });

  it('a rule added by hand inside our table is drift in status and a removal in plan', async () => {
    const chain = ourChain();
    ns.nft(`add rule inet markwright ${chain} meta mark 0x7 counter comment "by hand"\n`);
    const s = await status(ctx);
    expect([s.state, s.liveMatchesLast]).toEqual(['drifted', false]);
    const report = await plan(ctx.runner, ctx.ownership, {
      wanted: wanted(6001),
      document: 'doc',
      known: ctx.store.current()!.state,
    });
    const removed = report.changes.filter((c) => c.action === 'remove').map((c) => c.text);
    expect(removed).toEqual([expect.stringContaining('comment "by hand"')]);
    expect(report.changes.filter((c) => c.action === 'add')).toEqual([]);
  });

  it('a revert puts back a hostile comment as data: nothing it says runs, and the table is as it was', async () => {
    const chain = ourChain();
    // Listed as text, this comment closes its quote and adds a table: replaying the listing would run it.
    const hostile = 'x"\nadd table ip evil\nadd chain ip evil c\n#';
    // Added as JSON, the way another tool could.
    ns.exec([
      'nft',
      '-j',
      JSON.stringify({
        nftables: [
          {
            add: {
              rule: {
                family: 'inet',
                table: 'markwright',
                chain,
                expr: [{ counter: null }],
                comment: hostile,
              },
            },
          },
        ],
      }),
    ]);
    const listed = () => ns.exec(['nft', '-j', 'list', 'table', 'inet', 'markwright']).stdout;
    const beforeTable = (await readOwnedState(ctx.runner, ctx.ownership, null)).nft;
    expect(listed()).toContain('add table ip evil');
    const pending = await apply(ctx, input(6002, 60));
    expect(listed()).not.toContain('add table ip evil');
    await locked(ctx, () => revertPending(ctx, pending.deployment.id));
    expect(ns.exec(['nft', 'list', 'tables']).stdout).not.toMatch(/evil/);
    expect(sameTable((await readOwnedState(ctx.runner, ctx.ownership, null)).nft!, beforeTable!)).toBe(true);
    expect(foreignState(ns, 'v0')).toBe(before);
  });

  it('replayed boot: the restore unit of a confirmed deployment rebuilds the same owned state in a fresh namespace', async () => {
    await apply(ctx, input(6003, 60));
    const confirmed = await confirm(ctx);
    const key = targetKey(target());
    const p = persistencePaths(ctx.rootDir, target());
    const unit = readFileSync(p.unit, 'utf8');
    const dropIn = readFileSync(p.dropIn, 'utf8');
    expect(existsSync(p.wants)).toBe(true);
    // Where the unit runs: the target's namespace, only while it exists.
    expect(dropIn).toContain(`NetworkNamespacePath=/run/netns/${ns.name}`);
    expect(dropIn).toContain(`ConditionPathExists=/run/netns/${ns.name}`);
    const onDisk = (path: string) => join(ctx.rootDir, path.replace(/^\//, ''));
    const expand = (line: string) => line.replaceAll('%i', key);
    for (const m of unit.matchAll(/^ConditionPathExists=(\S+)$/gm))
      expect(existsSync(onDisk(expand(m[1]!)))).toBe(true);
    const steps = [...unit.matchAll(/^ExecStart=(-?)(.+)$/gm)].map((m) => ({
      mayFail: m[1] === '-',
      argv: expand(m[2]!)
        .split(' ')
        .map((word) => (word.startsWith('/etc/') ? onDisk(word) : word)),
    }));
    // The table, owned routes (v4, v6), ip rules (v4, v6), tc.
    expect(steps.map((s) => s.argv[0])).toEqual([
      '/usr/sbin/nft',
      '/usr/bin/ip',
      '/usr/bin/ip',
      '/usr/bin/ip',
      '/usr/bin/ip',
      '/usr/sbin/tc',
    ]);
    // The boot: a namespace with nothing of ours in it, standing in for the target after a reboot.
    const boot = fresh('boot');
    for (const step of steps) {
      const r = boot.exec(step.argv, { allowFail: true });
      if (!step.mayFail) expect(r.code, r.stderr).toBe(0);
    }
    const restored = await readOwnedState(
      createSystemRunner({ kind: 'netns', name: boot.name }),
      DEFAULT_OWNERSHIP,
      null,
    );
    expect(restored.nft).not.toBeNull();
    expect(sameTable(restored.nft!, confirmed.state.nft!)).toBe(true);
    expect(restored.ipRules).toEqual(confirmed.state.ipRules);
    expect(restored.tcFilters).toEqual(confirmed.state.tcFilters);
  });

  it("uninstall --target T removes T's restore files and unit instance only", async () => {
    const other = fresh('other');
    const otherTarget = parseTarget(`netns:${other.name}`);
    const otherCtx = noWatchdog(await sessionFor(otherTarget));
    await apply(otherCtx, input(6004, 0));
    const mine = persistencePaths(ctx.rootDir, target());
    const theirs = persistencePaths(ctx.rootDir, otherTarget);
    const theirFiles = [theirs.ruleset, theirs.ipRulesV4, theirs.dropIn, theirs.wants, theirs.unit];
    const snapshot = () => theirFiles.map((f) => (existsSync(f) ? readFileSync(f, 'utf8') : null));
    const kept = snapshot();
    expect(kept.every((f) => f !== null)).toBe(true);
    await uninstall(ctx);
    for (const f of [mine.dir, mine.dropIn, mine.wants]) expect(existsSync(f)).toBe(false);
    expect(snapshot()).toEqual(kept);
    expect(foreignState(ns, 'v0')).toBe(before);
  });
});
