// The deploying side of the in-memory backend: apply with a countdown that runs out on the clock, Keep, revert,
// rollback to an earlier deployment, uninstall, the history as the app shows it, pending deployments across
// targets and the target remembered per layout. Enough for the deploy data module's tests; no kernel.

import { ApiError, type DeploymentEntry, type MarkwrightApi } from '@markwright/api';
import type { DeployVerification, Disagreement } from '@markwright/core';

const NO_STATE = { nftScript: '', ipRules: { v4: [], v6: [] }, tcFilters: [] };

type DeployMethods = Pick<
  MarkwrightApi,
  | 'apply'
  | 'confirm'
  | 'rollback'
  | 'status'
  | 'history'
  | 'pendingDeployments'
  | 'getLayoutTarget'
  | 'setLayoutTarget'
  | 'keepWrites'
  | 'uninstall'
  | 'impact'
>;

export interface MemoryDeploy extends DeployMethods {
  /** Targets where a deployment of this layout is live. */
  liveTargetsOf(name: string): string[];
  /** Forget a layout's remembered target (it was deleted). */
  forget(name: string): void;
  /** What the live check finds on the next verified apply, used up by it (none: it agrees). */
  disagreements: Disagreement[];
  /** Errors the next applies fail with, one each, after recording the failure (as a failed tc step would). */
  failures: string[];
}

interface Entry extends DeploymentEntry {
  deadlineMs: number | null;
}

export function memoryDeploy(
  calls: string[],
  versionOf: (name: string, version?: number) => { version: number; note: string | null },
  now: () => number = Date.now,
): MemoryDeploy {
  const records = new Map<string, Entry[]>();
  const targets = new Map<string, string>();
  let next = 1;
  const of = (target: string): Entry[] => {
    const list = records.get(target) ?? [];
    records.set(target, list);
    return list;
  };
  const set = (target: string, id: string, change: Partial<Entry>): Entry => {
    const list = of(target);
    const i = list.findIndex((r) => r.id === id);
    list[i] = { ...list[i]!, ...change };
    return list[i]!;
  };
  /** Runs out every countdown that has passed, as the host's watchdog does. */
  const expire = (target: string): void => {
    for (const r of of(target)) {
      if (r.outcome === 'pending' && r.deadlineMs !== null && r.deadlineMs <= now())
        set(target, r.id, { outcome: 'reverted', endedAt: new Date(now()).toISOString() });
    }
  };
  const withLive = (list: Entry[]): DeploymentEntry[] => {
    const live = [...list]
      .reverse()
      .find((r) => r.outcome === 'pending' || r.outcome === 'confirmed' || r.outcome === 'verified');
    return list.map(({ deadlineMs: _deadline, ...r }) => ({ ...r, live: r.id === live?.id }));
  };
  const pendingOf = (target: string): Entry | undefined => {
    expire(target);
    return of(target).find((r) => r.outcome === 'pending');
  };
  const applyVersion = (
    target: string,
    name: string,
    version: number | undefined,
    timeout: number,
    purpose: string | null,
  ): Entry => {
    const found = versionOf(name, version);
    const at = now();
    const previous = pendingOf(target);
    if (previous) set(target, previous.id, { outcome: 'superseded', endedAt: new Date(at).toISOString() });
    const entry: Entry = {
      id: `d${next++}`,
      target,
      document: 'markwright-app',
      documentName: name,
      appliedAt: new Date(at).toISOString(),
      outcome: timeout === 0 ? 'confirmed' : 'pending',
      confirmedAt: timeout === 0 ? new Date(at).toISOString() : null,
      endedAt: null,
      previousId: of(target).at(-1)?.id ?? null,
      state: NO_STATE,
      message: null,
      layoutName: name,
      layoutVersion: found.version,
      note: found.note,
      by: 'admin',
      purpose,
      live: false,
      deadlineMs: timeout === 0 ? null : at + timeout * 1000,
    };
    of(target).push(entry);
    return entry;
  };
  const plain = ({ deadlineMs: _d, live: _l, ...r }: Entry) => r;
  const deploy: MemoryDeploy = {
    disagreements: [],
    failures: [],
    async apply({ name, version, target, confirmTimeout, verify }) {
      calls.push('apply');
      const failure = deploy.failures.shift();
      if (failure !== undefined) {
        const entry = applyVersion(target, name, version, 0, null);
        set(target, entry.id, {
          outcome: 'failed',
          confirmedAt: null,
          endedAt: new Date(now()).toISOString(),
          message: `failed: ${failure}`,
          restored: 'the previous state was restored: no Markwright deployment (0 ip rules, 0 tc filters)',
        });
        throw new ApiError('environment', failure);
      }
      if (verify) {
        const entry = applyVersion(target, name, version, 0, null);
        const found = deploy.disagreements.splice(0);
        const verification: DeployVerification = {
          ok: found.length === 0,
          rules: [],
          disagreements: found,
          durationMs: 5,
        };
        const n = verification.disagreements.length;
        const ended = set(target, entry.id, {
          outcome: verification.ok ? 'verified' : 'reverted-by-verification',
          verification,
          ...(verification.ok
            ? {}
            : {
                endedAt: new Date(now()).toISOString(),
                message: `reverted: the box did not do what the document says (${n} disagreement${n === 1 ? '' : 's'})`,
              }),
        });
        return { deployment: plain(ended), confirmDeadline: null, verification };
      }
      const entry = applyVersion(target, name, version, confirmTimeout ?? 60, null);
      return {
        deployment: plain(entry),
        confirmDeadline: entry.deadlineMs === null ? null : new Date(entry.deadlineMs).toISOString(),
      };
    },
    async confirm({ target }) {
      calls.push('confirm');
      const pending = pendingOf(target);
      if (!pending) throw new ApiError('conflict', `nothing awaits confirmation on ${target}`);
      return plain(
        set(target, pending.id, { outcome: 'confirmed', confirmedAt: new Date(now()).toISOString() }),
      );
    },
    async rollback({ target, to, confirmTimeout, verify }) {
      calls.push('rollback');
      const pending = pendingOf(target);
      if (to === undefined) {
        if (!pending) throw new ApiError('conflict', `nothing to revert on ${target}`);
        return plain(
          set(target, pending.id, { outcome: 'reverted', endedAt: new Date(now()).toISOString() }),
        );
      }
      const earlier = of(target).find((r) => r.id === to);
      if (!earlier?.layoutName) throw new ApiError('not-found', `no deployment ${to} on ${target}`, 'to');
      if (verify) {
        const name = earlier.layoutName;
        const version = earlier.layoutVersion ?? undefined;
        const { deployment } = await deploy.apply({ name, version, target, verify });
        return plain(set(target, deployment.id, { purpose: `rollback to ${to}` }));
      }
      const entry = applyVersion(
        target,
        earlier.layoutName,
        earlier.layoutVersion ?? undefined,
        confirmTimeout ?? 0,
        `rollback to ${to}`,
      );
      return plain(entry);
    },
    async status({ target }) {
      calls.push('status');
      const pending = pendingOf(target);
      const last = of(target).at(-1);
      return {
        target,
        state: pending ? 'pending' : last ? 'confirmed' : 'none',
        pending: pending
          ? {
              id: pending.id,
              secondsLeft: Math.max(0, Math.ceil((pending.deadlineMs! - now()) / 1000)),
              deadline: new Date(pending.deadlineMs!).toISOString(),
            }
          : null,
        last: last ? plain(last) : null,
        liveMatchesLast: true,
      };
    },
    async history({ target }) {
      calls.push('history');
      expire(target);
      return withLive(of(target));
    },
    async pendingDeployments() {
      calls.push('pendingDeployments');
      return [...records.keys()].flatMap((target) => {
        const p = pendingOf(target);
        if (!p) return [];
        return [
          {
            target,
            id: p.id,
            secondsLeft: Math.max(0, Math.ceil((p.deadlineMs! - now()) / 1000)),
            deadline: new Date(p.deadlineMs!).toISOString(),
            documentName: p.documentName,
            layoutName: p.layoutName,
            layoutVersion: p.layoutVersion,
          },
        ];
      });
    },
    async getLayoutTarget({ name }) {
      calls.push('getLayoutTarget');
      versionOf(name);
      return { target: targets.get(name) ?? null };
    },
    async setLayoutTarget({ name, target }) {
      calls.push('setLayoutTarget');
      versionOf(name);
      targets.set(name, target);
      return { target };
    },
    async keepWrites({ target }) {
      calls.push('keepWrites');
      return {
        target,
        files: [
          `/etc/markwright/targets/${target}/ruleset.json`,
          `/etc/markwright/targets/${target}/tc.batch`,
        ],
        unit: '/etc/systemd/system/markwright-restore@.service',
        enables: `/etc/systemd/system/multi-user.target.wants/markwright-restore@${target}.service`,
      };
    },
    async uninstall({ target }) {
      calls.push('uninstall');
      for (const r of of(target)) {
        if (r.outcome === 'pending' || r.outcome === 'confirmed')
          set(target, r.id, { outcome: 'rolled-back', message: 'uninstalled' });
      }
      return { removed: true };
    },
    async impact() {
      calls.push('impact');
      return { connections: 0, changed: [], groups: [] };
    },
    liveTargetsOf(name) {
      return [...records.keys()].filter((target) =>
        withLive(of(target)).some((r) => r.live && r.layoutName === name),
      );
    },
    forget(name) {
      targets.delete(name);
    },
  };
  return deploy;
}
