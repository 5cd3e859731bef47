import { existsSync, readFileSync } from 'node:fs';
import type { DeployVerification } from '@markwright/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeDeploy, openFakeDeploy } from '../testing/fake-deploy';
import type { FakeKernel } from '../testing/fake-kernel';
import type { OwnedState } from '../types';
import type { DeployContext } from './context';
import { apply } from './operations';
import { wrapTableBody } from './ownership';
import { persistencePaths } from './persistence';
import { rollback } from './rollback';

const state = (n: number): OwnedState => ({
  nftScript: wrapTableBody(
    `table inet markwright {\n\tchain prerouting {\n\t\tmeta mark set 0x${n}\n\t}\n}\n`,
  ),
  ipRules: { v4: [`priority 10100 from all fwmark 0x${n} lookup 100 proto 77`], v6: [] },
  tcFilters: [],
});

const AGREE: DeployVerification = { ok: true, rules: [], disagreements: [], durationMs: 5 };
const OVERWRITTEN: DeployVerification = {
  ok: false,
  rules: [],
  disagreements: [{ rule: 'voip', field: 'uplink', expected: 'isp2', seen: 'unset (0)' }],
  durationMs: 7,
};

describe('keeping or reverting a deployment by the live check', () => {
  let fake: FakeDeploy;
  let kernel: FakeKernel;
  let ctx: DeployContext;
  let launched: FakeDeploy['launched'];

  beforeEach(() => {
    fake = openFakeDeploy('mw-verified-');
    ({ kernel, ctx, launched } = fake);
  });
  afterEach(() => fake.cleanup());

  const input = (s: OwnedState, verify: () => Promise<DeployVerification>, confirmTimeout = 0) => ({
    wanted: s,
    document: '/d.json',
    documentName: 'd',
    documentText: `{"n":${s.ipRules.v4[0]!.length}}`,
    confirmTimeout,
    verify,
  });

  it('keeps an agreeing deployment as verified and persists it, guarded by a deadline while checking', async () => {
    let pendingDuringCheck: string | null = null;
    const result = await apply(
      ctx,
      input(state(1), async () => {
        pendingDuringCheck = ctx.store.pending()?.deadline ?? null;
        return AGREE;
      }),
    );
    expect(pendingDuringCheck).not.toBeNull();
    expect(launched[0]!.deadline).toBe(pendingDuringCheck);
    expect(result.deployment.outcome).toBe('verified');
    expect(result.verification).toEqual(AGREE);
    expect(result.confirmDeadline).toBeNull();
    expect(ctx.store.pending()).toBeNull();
    expect(existsSync(persistencePaths(ctx.rootDir).ruleset)).toBe(true);
    expect(ctx.store.current()?.id).toBe(result.deployment.id);
  });

  it('reverts a disagreeing deployment at once, keeping the disagreements in history', async () => {
    await apply(
      ctx,
      input(state(1), async () => AGREE),
    );
    const persisted = readFileSync(persistencePaths(ctx.rootDir).ruleset, 'utf8');
    const result = await apply(
      ctx,
      input(state(2), async () => OVERWRITTEN, 30),
    );
    expect(result.deployment.outcome).toBe('reverted-by-verification');
    expect(result.verification).toEqual(OVERWRITTEN);
    expect(kernel.rules.v4).toEqual(state(1).ipRules.v4);
    expect(kernel.nftScript).toBe(state(1).nftScript);
    const stored = ctx.store.deployment(result.deployment.id)!;
    expect(stored.verification?.disagreements).toEqual(OVERWRITTEN.disagreements);
    expect(stored.message).toMatch(/did not do what the document says \(1 disagreement\)/);
    expect(ctx.store.pending()).toBeNull();
    expect(readFileSync(persistencePaths(ctx.rootDir).ruleset, 'utf8')).toBe(persisted);
  });

  it('reverts when the check cannot run and passes its error on', async () => {
    const failing = async (): Promise<DeployVerification> => {
      throw new Error('python3 is not installed');
    };
    await expect(apply(ctx, input(state(3), failing))).rejects.toThrow(/python3/);
    const [record] = ctx.store.deployments();
    expect(record!.outcome).toBe('reverted-by-verification');
    expect(record!.message).toMatch(/the live check could not run: python3 is not installed/);
    expect(kernel.rules.v4).toEqual([]);
    expect(existsSync(persistencePaths(ctx.rootDir).ruleset)).toBe(false);
  });

  it('rolls back with the check: kept as verified, or the state before the rollback put back', async () => {
    const first = await apply(
      ctx,
      input(state(1), async () => AGREE),
    );
    await apply(
      ctx,
      input(state(2), async () => AGREE),
    );
    const checked: string[] = [];
    const undone = await rollback(ctx, undefined, (text) => async () => {
      checked.push(text);
      return OVERWRITTEN;
    });
    expect(checked).toEqual([first.deployment.documentText]);
    expect(undone.outcome).toBe('reverted-by-verification');
    expect(undone.restored).toMatch(/the previous state was restored/);
    expect(kernel.rules.v4).toEqual(state(2).ipRules.v4);
    const kept = await rollback(ctx, undefined, () => async () => AGREE);
    expect(kept.outcome).toBe('verified');
    expect(kernel.rules.v4).toEqual(state(1).ipRules.v4);
    expect(ctx.store.deployments().map((d) => d.outcome)).toEqual([
      'verified',
      'rolled-back',
      'reverted-by-verification',
      'verified',
    ]);
  });
});
