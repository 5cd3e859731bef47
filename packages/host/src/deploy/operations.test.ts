import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LockHeld, ToolError } from '../exec/errors';
import { type FakeDeploy, openFakeDeploy } from '../testing/fake-deploy';
import type { FakeKernel } from '../testing/fake-kernel';
import type { OwnedState } from '../types';
import type { DeployContext } from './context';
import { apply, confirm, history, recover, status, uninstall } from './operations';
import { EMPTY_STATE, wrapTableBody } from './ownership';
import { persistencePaths } from './persistence';
import { processStart } from './process-identity';
import { rollback } from './rollback';
import { StateStore } from './state-store';

const state = (n: number, extra: Partial<OwnedState> = {}): OwnedState => ({
  nftScript: wrapTableBody(
    `table inet markwright {\n\tchain prerouting {\n\t\tmeta mark set 0x${n}\n\t}\n}\n`,
  ),
  ipRules: { v4: [`priority 10100 from all fwmark 0x${n} lookup 100 proto 77`], v6: [] },
  tcFilters: [],
  ...extra,
});

describe('deploy operations against a fake kernel', () => {
  let fake: FakeDeploy;
  let dir: string;
  let kernel: FakeKernel;
  let launched: FakeDeploy['launched'];
  let ctx: DeployContext;

  beforeEach(() => {
    fake = openFakeDeploy('mw-ops-');
    ({ dir, kernel, launched, ctx } = fake);
  });
  afterEach(() => fake.cleanup());

  const input = (s: OwnedState, confirmTimeout = 60) => ({
    wanted: s,
    document: '/d.json',
    documentName: 'd',
    confirmTimeout,
  });

  it('applies, awaits confirmation, and persists only on confirm', async () => {
    const result = await apply(ctx, input(state(1)));
    expect(result.deployment.outcome).toBe('pending');
    expect(kernel.rules.v4).toEqual(state(1).ipRules.v4);
    expect(launched).toEqual([{ id: result.deployment.id, deadline: result.confirmDeadline }]);
    expect(existsSync(persistencePaths(ctx.rootDir, ctx.runner.target).ruleset)).toBe(false);
    expect((await status(ctx)).state).toBe('pending');
    await confirm(ctx);
    const persisted = JSON.parse(
      readFileSync(persistencePaths(ctx.rootDir, ctx.runner.target).ruleset, 'utf8'),
    );
    expect(persisted.nftables.slice(0, 2)).toEqual([
      { add: { table: { family: 'inet', name: 'markwright' } } },
      { delete: { table: { family: 'inet', name: 'markwright' } } },
    ]);
    expect(JSON.stringify(persisted)).toContain(JSON.stringify(state(1).nftScript));
    const s = await status(ctx);
    expect([s.state, s.liveMatchesLast]).toEqual(['confirmed', true]);
  });

  it('reverts to the previous state once the deadline has passed', async () => {
    await apply(ctx, input(state(1), 0));
    const second = await apply(ctx, input(state(2), 5));
    expect(kernel.rules.v4).toEqual(state(2).ipRules.v4);
    fake.clock += 6000;
    const release = ctx.store.lock();
    await recover(ctx);
    release();
    expect(kernel.rules.v4).toEqual(state(1).ipRules.v4);
    expect(kernel.nftScript).toBe(state(1).nftScript);
    expect(ctx.store.deployment(second.deployment.id)?.outcome).toBe('reverted');
    await expect(confirm(ctx)).rejects.toThrow(/no deployment awaits confirmation/);
  });

  it('a second apply while one is pending supersedes it and reverts to the confirmed state', async () => {
    await apply(ctx, input(state(1), 0));
    const p1 = await apply(ctx, input(state(2), 5));
    const p2 = await apply(ctx, input(state(3), 5));
    expect(ctx.store.deployment(p1.deployment.id)?.outcome).toBe('superseded');
    fake.clock += 6000;
    await status(ctx);
    expect(kernel.rules.v4).toEqual(state(1).ipRules.v4);
    expect(ctx.store.deployment(p2.deployment.id)?.outcome).toBe('reverted');
  });

  it('nft refusing the script changes nothing and reports nft’s message', async () => {
    await apply(ctx, input(state(1), 0));
    kernel.failOn = (argv) =>
      argv.join(' ') === 'nft -f -' ? '/dev/stdin:4:3-9: Error: syntax error' : null;
    const err = await apply(ctx, input(state(2))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ToolError);
    expect(String(err)).toContain('/dev/stdin:4:3-9: Error: syntax error');
    expect(kernel.rules.v4).toEqual(state(1).ipRules.v4);
    expect(ctx.store.journal()).toBeNull();
    // The failed apply is history too, with nft's message and what is live again; the baseline is unchanged.
    expect(history(ctx).map((d) => d.outcome)).toEqual(['confirmed', 'failed']);
    const failed = history(ctx)[1]!;
    expect(failed.message).toBe('failed: nft -f - exited 1: /dev/stdin:4:3-9: Error: syntax error');
    expect(failed.restored).toMatch(/^the previous state was restored: deployment \S+ /);
    expect(ctx.store.current()?.outcome).toBe('confirmed');
  });

  it('compensates: a failing tc batch puts nft and ip rules back', async () => {
    await apply(ctx, input(state(1), 0));
    const tcState = state(2, {
      tcFilters: ['filter add dev eth0 parent root protocol all prio 49000 handle 0x2/0x2 fw classid 1:2'],
    });
    kernel.failOn = (argv) =>
      argv[0] === 'tc' && argv[1] === '-batch' ? 'RTNETLINK answers: No such file or directory' : null;
    await expect(apply(ctx, input(tcState))).rejects.toThrow(/RTNETLINK/);
    expect(kernel.nftScript).toBe(state(1).nftScript);
    expect(kernel.rules.v4).toEqual(state(1).ipRules.v4);
  });

  it('keeps the journal when compensation fails too, and the next command finishes the undo', async () => {
    await apply(ctx, input(state(1), 0));
    let tcFails = true;
    kernel.failOn = (argv) =>
      argv[0] === 'tc' && argv[1] === '-batch' && tcFails ? 'RTNETLINK answers: busy' : null;
    let v4Batches = 0;
    const previous = kernel.failOn;
    kernel.failOn = (argv, inputText) => {
      if (argv.join(' ') === 'ip -4 -batch -' && ++v4Batches === 2) return 'RTNETLINK answers: busy';
      return previous(argv, inputText);
    };
    const tcState = state(2, {
      tcFilters: ['filter add dev eth0 parent root protocol all prio 49000 handle 0x2/0x2 fw classid 1:2'],
    });
    await expect(apply(ctx, input(tcState))).rejects.toThrow(/restoring the previous state also failed/);
    expect(ctx.store.journal()?.op).toBe('apply');
    tcFails = false;
    // The journal's pid is ours and alive; a later command (new process) sees it dead. Pretend that.
    ctx.store.writeJournal({ ...ctx.store.journal()!, pid: 999_999_999 });
    await status(ctx);
    expect(kernel.nftScript).toBe(state(1).nftScript);
    expect(kernel.rules.v4).toEqual(state(1).ipRules.v4);
    expect(ctx.store.journal()).toBeNull();
  });

  it('recovers an apply whose process died mid-way: undoes it and records the failure', async () => {
    await apply(ctx, input(state(1), 0));
    // Simulate the dead process: its journal is on disk and the kernel holds half of the new state.
    ctx.store.writeJournal({
      op: 'apply',
      deploymentId: 'dead-1',
      pid: 999_999_999,
      startedAt: new Date(fake.clock).toISOString(),
      restoreTo: history(ctx)[0]!.state,
      tcLines: [],
      draft: { ...history(ctx)[0]!, id: '20260101-000000000-dead', state: state(2) },
    });
    kernel.nftScript = state(2).nftScript;
    const s = await status(ctx);
    expect(kernel.nftScript).toBe(state(1).nftScript);
    expect(kernel.rules.v4).toEqual(state(1).ipRules.v4);
    expect(s.liveMatchesLast).toBe(true);
    expect(ctx.store.journal()).toBeNull();
    expect(ctx.store.deployment('20260101-000000000-dead')?.outcome).toBe('failed');
  });

  it('rolls back to the previous deployment, or to a named one', async () => {
    const a = await apply(ctx, input(state(1), 0));
    await apply(ctx, input(state(2), 0));
    await apply(ctx, input(state(3), 0));
    await rollback(ctx);
    expect(kernel.rules.v4).toEqual(state(2).ipRules.v4);
    await rollback(ctx, a.deployment.id);
    expect(kernel.rules.v4).toEqual(state(1).ipRules.v4);
    await expect(rollback(ctx, 'nope')).rejects.toThrow(/--to: no such deployment/);
    expect(readFileSync(persistencePaths(ctx.rootDir, ctx.runner.target).ipRulesV4, 'utf8')).toBe(
      `rule add ${state(1).ipRules.v4[0]}\n`,
    );
  });

  it('uninstall removes our kernel state and the restore files', async () => {
    await apply(ctx, input(state(1), 0));
    expect(existsSync(persistencePaths(ctx.rootDir, ctx.runner.target).unit)).toBe(true);
    await uninstall(ctx);
    expect([kernel.nftScript, kernel.rules.v4, kernel.tc]).toEqual([null, [], []]);
    expect(existsSync(persistencePaths(ctx.rootDir, ctx.runner.target).unit)).toBe(false);
    expect(existsSync(persistencePaths(ctx.rootDir, ctx.runner.target).dir)).toBe(false);
    expect((await status(ctx)).liveMatchesLast).toBe(true);
  });

  it('refuses a second operation while a live process holds the lock', async () => {
    const release = ctx.store.lock();
    // Our own pid holds it; a different live pid is what another CLI would be.
    const other = new StateStore(join(dir, 'state'), { kind: 'local' });
    const lockFile = join(other.dir, 'lock');
    rmSync(lockFile);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(lockFile, `${process.ppid} ${processStart(process.ppid)}`);
    expect(() => other.lock()).toThrow(/another markwright operation \(pid \d+\)/);
    expect(() => other.lock()).toThrow(LockHeld);
    rmSync(lockFile);
    release();
    writeFileSync(lockFile, '999999999');
    expect(() => other.lock()()).not.toThrow();
  });

  it('a lock naming a live pid that is not the process that took it is taken over', async () => {
    const { writeFileSync } = await import('node:fs');
    ctx.store.ensure();
    const lockFile = join(ctx.store.dir, 'lock');
    // pid 1 is alive but never a markwright operation; a pid reused by another process has another start time.
    writeFileSync(lockFile, '1');
    expect(() => ctx.store.lock()()).not.toThrow();
    writeFileSync(lockFile, `${process.ppid} 1`);
    expect(() => ctx.store.lock()()).not.toThrow();
  });

  it('confirm waits for a short command holding the lock instead of failing the Keep', async () => {
    await apply(ctx, input(state(1)));
    const { spawn } = await import('node:child_process');
    const { writeFileSync } = await import('node:fs');
    // A live process that is not us holds the lock for about half a second, as a status read would.
    const holder = spawn('sleep', ['0.5']);
    writeFileSync(join(ctx.store.dir, 'lock'), `${holder.pid} ${processStart(holder.pid!)}`);
    const confirmed = await confirm(ctx);
    expect(confirmed.outcome).toBe('confirmed');
    expect(holder.exitCode ?? (await new Promise((r) => holder.once('exit', r)))).toBe(0);
  });

  it('status takes the lock only when something needs recovery, so a poll never blocks an apply', async () => {
    const result = await apply(ctx, input(state(1), 60));
    const lock = vi.spyOn(ctx.store, 'lock');
    expect((await status(ctx)).state).toBe('pending');
    expect(lock).not.toHaveBeenCalled();
    fake.clock = Date.parse(result.confirmDeadline!) + 1;
    expect((await status(ctx)).state).not.toBe('pending');
    expect(lock).toHaveBeenCalledTimes(1);
  });

  it('rejects a bad confirm timeout as input', async () => {
    await expect(apply(ctx, input(EMPTY_STATE, -1))).rejects.toThrow(/--confirm-timeout/);
  });
});
