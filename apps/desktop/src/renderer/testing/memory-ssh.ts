// The SSH host list of the in-memory backend: each address's "box" offers one ED25519 key whose fingerprint
// tests can change (`rekey`), keys are used only once accepted, and a host with a live deployment cannot be
// removed. No network.

import { ApiError, type MarkwrightApi, type SshHostSummary } from '@markwright/api';
import { parseSshTarget, sshTargetLabel } from '@markwright/core';

type SshMethods = Pick<
  MarkwrightApi,
  'listSshHosts' | 'addSshHost' | 'fetchSshHostKey' | 'acceptSshHostKey' | 'removeSshHost'
>;

export interface MemorySsh extends SshMethods {
  /** The hosts whose key is accepted: deploy targets. */
  targets(): string[];
  /** The box at `target` now offers another key. */
  rekey(target: string): void;
  /** Targets with a live deployment (removal is refused there). */
  readonly live: Set<string>;
}

const fingerprint = (n: number) => `SHA256:${String(n).padStart(43, 'k')}`;

export function memorySsh(calls: string[]): MemorySsh {
  const hosts = new Map<string, { accepted: string | null; offered: string | null; addedAt: string }>();
  const boxKeys = new Map<string, number>();
  const live = new Set<string>();
  const keyOf = (target: string) => fingerprint(boxKeys.get(target) ?? 1);
  const summary = (target: string): SshHostSummary => {
    const h = hosts.get(target)!;
    const key = (f: string) => ({ type: 'ED25519', fingerprint: f });
    return {
      target,
      state: h.accepted === null ? 'unverified' : h.offered ? 'changed' : 'accepted',
      accepted: h.accepted ? [key(h.accepted)] : [],
      offered: h.offered ? [key(h.offered)] : [],
      addedAt: h.addedAt,
    };
  };
  const find = (target: string) => {
    const h = hosts.get(target);
    if (!h) throw new ApiError('not-found', `no SSH host ${target}`);
    return h;
  };
  return {
    live,
    targets: () => [...hosts.entries()].filter(([, h]) => h.accepted).map(([t]) => t),
    rekey(target) {
      boxKeys.set(target, (boxKeys.get(target) ?? 1) + 1);
    },
    async listSshHosts() {
      calls.push('listSshHosts');
      return [...hosts.keys()].sort().map(summary);
    },
    async addSshHost({ address }) {
      calls.push('addSshHost');
      let target: string;
      try {
        target = sshTargetLabel(
          parseSshTarget(address.startsWith('ssh:') ? address : `ssh:${address}`, 'address'),
        );
      } catch (error) {
        throw new ApiError('invalid-input', (error as Error).message, 'address');
      }
      if (hosts.has(target)) throw new ApiError('conflict', `${target} is in the list already`, 'address');
      hosts.set(target, { accepted: null, offered: keyOf(target), addedAt: '2026-01-01T00:00:00Z' });
      return summary(target);
    },
    async fetchSshHostKey({ target }) {
      calls.push('fetchSshHostKey');
      const h = find(target);
      h.offered = h.accepted === keyOf(target) ? null : keyOf(target);
      return summary(target);
    },
    async acceptSshHostKey({ target, fingerprints }) {
      calls.push('acceptSshHostKey');
      const h = find(target);
      if (!h.offered || !fingerprints.every((f) => f === h.offered))
        throw new ApiError('conflict', `${target} did not offer ${fingerprints.join(', ')}`);
      h.accepted = h.offered;
      h.offered = null;
      return summary(target);
    },
    async removeSshHost({ target }) {
      calls.push('removeSshHost');
      find(target);
      if (live.has(target))
        throw new ApiError('conflict', `${target} has a live deployment: uninstall it there first`, 'target');
      hosts.delete(target);
    },
  };
}
