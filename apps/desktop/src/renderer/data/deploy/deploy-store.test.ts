// The deploy data module on the in-memory backend: the target chosen explicitly and remembered per layout, Apply
// only after a plan of exactly this version for exactly this target, deploying an older saved version, pending
// deployments followed across targets and after a restart, Keep and rollback, uninstall, and errors kept beside
// the action that caused them.

import { ApiError } from '@markwright/api';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryApi, type MemoryApi } from '../../testing/memory-api';
import { AppData } from '../app-data';

const doc = (name: string, port: number) => ({
  format: 'markwright/1',
  name,
  layout: { fields: [{ name: 'steer', space: 'fwmark', kind: 'flag', offset: 4 }] },
  policy: {
    rules: [{ name: 'voip', hook: 'prerouting', match: { proto: 'udp', dport: port }, set: { steer: true } }],
    routes: [],
    classes: [],
  },
});

const opened: AppData[] = [];
afterEach(() => {
  for (const d of opened.splice(0)) d.dispose();
});

let clock = Date.parse('2026-03-01T10:00:00Z');
const now = () => clock;

async function start(api: MemoryApi): Promise<AppData> {
  const data = new AppData(api);
  opened.push(data);
  await data.start();
  await data.deploy.show();
  return data;
}

async function twoVersions(): Promise<MemoryApi> {
  const api = createMemoryApi(now);
  await api.createLayout({ name: 'steer', document: doc('steer', 5060), note: 'voip' });
  await api.saveLayout({ name: 'steer', document: doc('steer', 5061), note: 'new port' });
  return api;
}

describe('the deploy data module', () => {
  it('never picks a target by itself, and remembers the one chosen for the layout', async () => {
    const api = await twoVersions();
    const first = await start(api);
    expect(first.deploy.target).toBeNull();
    expect(first.deploy.blockedReason).toBe('Choose a target first.');
    await first.deploy.makePlan();
    expect(api.calls).not.toContain('plan');
    await first.deploy.chooseTarget('netns:lab');
    first.dispose();
    const again = await start(api);
    await expect.poll(() => again.deploy.target).toBe('netns:lab');
  });

  it('enables Apply only for a plan of this version for this target; changing either drops it', async () => {
    const data = await start(await twoVersions());
    const deploy = data.deploy;
    await deploy.chooseTarget('netns:lab');
    expect(deploy.applyBlockedReason).toBe('Plan version 2 for netns:lab first.');
    await deploy.makePlan();
    expect(deploy.plan?.target).toBe('netns:lab');
    expect(deploy.applyBlockedReason).toBeNull();
    deploy.chooseVersion(1);
    expect(deploy.plan).toBeNull();
    expect(deploy.applyBlockedReason).toBe('Plan version 1 for netns:lab first.');
    await deploy.makePlan();
    expect(deploy.applyBlockedReason).toBeNull();
    await deploy.chooseTarget('local');
    expect(deploy.plan).toBeNull();
    expect(deploy.applyBlockedReason).toBe('Plan version 1 for local first.');
  });

  it('deploys an older saved version and shows it live in the history with its note', async () => {
    const data = await start(await twoVersions());
    const deploy = data.deploy;
    await deploy.chooseTarget('netns:lab');
    deploy.chooseVersion(1);
    deploy.setVerify(false);
    deploy.setTimeoutText('30');
    await deploy.makePlan();
    await deploy.apply();
    expect(deploy.outcome?.state).toBe('pending');
    expect(deploy.secondsLeft).toBe(30);
    expect(deploy.history.map((h) => [h.layoutVersion, h.note, h.outcome, h.live])).toEqual([
      [1, 'voip', 'pending', true],
    ]);
    await deploy.keep();
    expect(deploy.outcome).toMatchObject({ state: 'kept', text: 'Kept: deployment d1 confirmed' });
    expect(deploy.live?.layoutVersion).toBe(1);
  });

  it('lists a pending deployment of every target, also in a new instance, and says when it ran out', async () => {
    const api = await twoVersions();
    const data = await start(api);
    await data.deploy.chooseTarget('netns:lab');
    data.deploy.setVerify(false);
    await data.deploy.makePlan();
    await data.deploy.apply();
    data.dispose();
    const again = await start(api);
    await expect
      .poll(() => again.deploy.pending.list.map((p) => [p.target, p.layoutName, p.layoutVersion]))
      .toEqual([['netns:lab', 'steer', 2]]);
    await expect.poll(() => again.deploy.shownOutcome?.text).toBe('A deployment is waiting for confirmation');
    expect(again.deploy.pending.writes.get('netns:lab')?.unit).toMatch(/markwright-restore/);
    clock += 31_000;
    await again.deploy.pending.refresh();
    expect(again.deploy.pending.list).toEqual([]);
    await expect.poll(() => again.deploy.history.map((h) => h.outcome)).toEqual(['reverted']);
  });

  it('asks before rolling back, then rolls back with a countdown to Keep', async () => {
    const data = await start(await twoVersions());
    const deploy = data.deploy;
    await deploy.chooseTarget('netns:lab');
    deploy.setVerify(false);
    deploy.setTimeoutText('60');
    for (const version of [1, 2]) {
      deploy.chooseVersion(version);
      await deploy.makePlan();
      await deploy.apply();
      await deploy.keep();
    }
    deploy.askRollback('d1');
    expect(deploy.rollbackAsked).toBe('d1');
    await deploy.rollback();
    expect(deploy.outcome?.text).toBe(
      'Rolling back to d1: keep it before the countdown ends, or it is undone',
    );
    expect(deploy.secondsLeft).toBe(60);
    const last = deploy.history.at(-1)!;
    expect([last.layoutVersion, last.purpose, last.live]).toEqual([1, 'rollback to d1', true]);
  });

  it('uninstalls after a yes, and keeps an error beside the action until it succeeds', async () => {
    const api = await twoVersions();
    const data = await start(api);
    const deploy = data.deploy;
    await deploy.chooseTarget('netns:lab');
    deploy.setVerify(false);
    await deploy.makePlan();
    const realApply = api.apply;
    api.apply = async () => {
      throw new ApiError('environment', "tc: Parent Qdisc doesn't exists");
    };
    await deploy.apply();
    expect(deploy.errors.apply).toBe("tc: Parent Qdisc doesn't exists");
    expect(data.activity.status?.text).toBe("Applying: tc: Parent Qdisc doesn't exists");
    data.activity.setStatus('info', 'something else');
    expect(deploy.errors.apply).toBe("tc: Parent Qdisc doesn't exists");
    api.apply = realApply;
    deploy.setTimeoutText('1');
    await deploy.apply();
    expect(deploy.errors.apply).toBeUndefined();
    await deploy.keep();
    expect(await data.layouts.remove('steer')).toBe(false);
    expect(data.layouts.deleteError).toEqual({
      name: 'steer',
      message: 'name: layout "steer" is live on netns:lab',
    });
    await deploy.uninstall();
    expect(api.calls).not.toContain('uninstall');
    deploy.askUninstall(true);
    await deploy.uninstall();
    expect(deploy.outcome?.state).toBe('uninstalled');
    expect(deploy.live).toBeNull();
    expect(await data.layouts.remove('steer')).toBe(true);
    expect(data.layouts.deleteError).toBeNull();
  });

  it('confirms when verified by default, and shows each disagreement when the box differs', async () => {
    const api = await twoVersions();
    const data = await start(api);
    const deploy = data.deploy;
    expect(deploy.verify).toBe(true);
    await deploy.chooseTarget('netns:lab');
    await deploy.makePlan();
    await deploy.apply();
    expect(deploy.outcome).toMatchObject({ state: 'verified', tone: 'ok' });
    expect(deploy.secondsLeft).toBeNull();
    expect(deploy.live?.outcome).toBe('verified');
    // The plan is live now: it no longer says what Apply would change, so Apply waits for a new one.
    expect(deploy.shownPlan?.applied).toBe(true);
    expect(deploy.applyBlockedReason).toBe('This plan is live on netns:lab now: plan again first.');
    await deploy.makePlan();
    expect(deploy.applyBlockedReason).toBeNull();
    (api as unknown as { disagreements: unknown[] }).disagreements.push({
      rule: 'voip',
      field: 'steer',
      expected: '1',
      seen: '0',
    });
    deploy.chooseVersion(1);
    await deploy.makePlan();
    await deploy.apply();
    expect(deploy.outcome).toEqual({
      tone: 'error',
      state: 'reverted',
      text: 'Reverted: the box did not do what the document says (1 disagreement)',
    });
    expect(deploy.verification?.disagreements).toEqual([
      { rule: 'voip', field: 'steer', expected: '1', seen: '0' },
    ]);
    // The check put the box back as it was: the plan still says what Apply would change.
    expect(deploy.shownPlan?.applied).toBe(false);
    expect(deploy.applyBlockedReason).toBeNull();
    expect(deploy.history.map((h) => [h.outcome, h.live])).toEqual([
      ['verified', true],
      ['reverted-by-verification', false],
    ]);
  });

  it('shows a failed apply in the history at once, with its error beside Apply until the next apply works', async () => {
    const api = await twoVersions();
    const data = await start(api);
    const deploy = data.deploy;
    await deploy.chooseTarget('netns:lab');
    await deploy.makePlan();
    (api as unknown as { failures: string[] }).failures.push('tc: TC classifier not found');
    await deploy.apply();
    expect(deploy.errors.apply).toBe('tc: TC classifier not found');
    expect(deploy.history.map((h) => [h.outcome, h.message, h.live])).toEqual([
      ['failed', 'failed: tc: TC classifier not found', false],
    ]);
    expect(deploy.history[0]!.restored).toMatch(/^the previous state was restored/);
    await deploy.apply();
    expect(deploy.errors.apply).toBeUndefined();
    expect(deploy.history.map((h) => h.outcome)).toEqual(['failed', 'verified']);
  });

  it('keeps a failed probe beside the target it was of, and drops it when another target is chosen', async () => {
    const api = await twoVersions();
    const data = await start(api);
    const deploy = data.deploy;
    await deploy.chooseTarget('netns:lab');
    const probe = api.probe;
    api.probe = async () => {
      throw new ApiError('environment', 'netns lab: no such namespace');
    };
    await deploy.probeTarget();
    expect(deploy.errors.probe).toBe('netns lab: no such namespace');
    await deploy.makePlan();
    expect(deploy.errors.probe).toBe('netns lab: no such namespace');
    await deploy.chooseTarget('local');
    expect(deploy.errors.probe).toBeUndefined();
    api.probe = probe;
  });
});
