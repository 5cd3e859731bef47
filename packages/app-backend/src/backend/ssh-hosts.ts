// The app's SSH hosts. The user adds a box; its host keys are read on first contact (ssh-keyscan, which
// authenticates nothing and runs nothing) and shown as SHA256 fingerprints; only keys the user accepted are
// used. Before each connection the accepted keys are written from the database into a known_hosts file the app
// owns, and ssh checks against that file alone (StrictHostKeyChecking=yes, under a per-host alias), so a box
// that offers another key is refused with both fingerprints and stays refused until the new one is accepted.

import { createHash } from 'node:crypto';
import { renameSync, writeFileSync } from 'node:fs';
import { ApiError } from '@markwright/api';
import {
  EnvironmentError,
  isSshTargetText,
  parseSshTarget,
  type SshHostKey,
  type SshHostSummary,
  sshTargetLabel,
} from '@markwright/core';
import { type RemoteSessionOptions, SshSession, scanHostKeyList } from '@markwright/host';
import type { Store } from '../store/store';

export interface SshHostsOptions {
  /** The known_hosts file the app writes from its database (0600). */
  readonly knownHostsPath: string;
  /** Run the ssh client inside this network namespace (a lab's box reachable only from there). */
  readonly netns?: string;
  /** The box's state and persistence folders (as the CLI's --state-dir/--root-dir with an SSH target). */
  readonly stateDir?: string;
  readonly rootDir?: string;
  /** The helper bundle to copy to a box without the package (default: this build's). */
  readonly bundleDir?: string | null;
}

const show = (keys: readonly SshHostKey[]) =>
  keys.length ? keys.map((k) => `${k.fingerprint} (${k.type})`).join(', ') : 'no key';

/** The name ssh files this host's keys under in the app's known_hosts, whatever its address resolves to. */
export function hostKeyAlias(target: string): string {
  return `markwright-${createHash('sha256').update(target).digest('hex').slice(0, 16)}`;
}

export class SshHosts {
  constructor(
    private readonly store: Store,
    readonly options: SshHostsOptions,
  ) {}

  /** `[user@]host[:port]` (with or without `ssh:`) as the target every verb takes, or a refusal naming `field`. */
  canonical(address: string, field: string): string {
    const text = isSshTargetText(address) ? address : `ssh:${address}`;
    try {
      return sshTargetLabel(parseSshTarget(text, field));
    } catch (error) {
      throw new ApiError('invalid-input', (error as Error).message, field);
    }
  }

  list(): SshHostSummary[] {
    return this.store.sshHosts.list();
  }

  /** Adds the host and reads the keys it offers (shown for the user to accept); nothing is kept if that fails. */
  async add(address: string): Promise<SshHostSummary> {
    const target = this.canonical(address, 'address');
    if (this.store.sshHosts.has(target))
      throw new ApiError('conflict', `${target} is in the list already`, 'address');
    const keys = await this.scan(target);
    this.store.sshHosts.add(target);
    this.store.sshHosts.recordOffered(target, keys);
    this.store.recordAudit('ssh-host.add', target, `offers ${show(keys)}`);
    return this.store.sshHosts.get(target);
  }

  /** Reads the host's keys again; a key differing from the accepted ones is kept apart, never used. */
  async fetchKeys(target: string): Promise<SshHostSummary> {
    this.store.sshHosts.get(target);
    this.store.sshHosts.recordOffered(target, await this.scan(target));
    return this.store.sshHosts.get(target);
  }

  accept(target: string, fingerprints: readonly string[]): SshHostSummary {
    this.store.sshHosts.accept(target, fingerprints);
    this.store.recordAudit('ssh-host.accept-key', target, fingerprints.join(', '));
    return this.store.sshHosts.get(target);
  }

  remove(target: string): void {
    this.store.sshHosts.remove(target);
    this.store.recordAudit('ssh-host.remove', target);
  }

  private async scan(target: string) {
    const session = new SshSession(parseSshTarget(target), this.options);
    const resolved = await session.resolve();
    const keys = await scanHostKeyList(resolved.hostname, resolved.port, this.options.netns);
    if (keys.length === 0) {
      throw new EnvironmentError(
        `${target}: no host key could be read from ${resolved.hostname} port ${resolved.port} (is sshd running there and reachable?)`,
      );
    }
    return keys;
  }

  /**
   * The options a session to `target` uses, after writing the accepted keys to the app's known_hosts. Refused
   * for a host not in the list or without an accepted key: nothing connects to a box the user did not accept.
   */
  sessionOptions(target: string): RemoteSessionOptions {
    if (!this.store.sshHosts.has(target)) {
      throw new ApiError(
        'invalid-input',
        `target: ${target} is not in the SSH host list: add it and accept its host key first`,
        'target',
      );
    }
    if (this.store.sshHosts.acceptedKeys(target).length === 0) {
      throw new ApiError(
        'conflict',
        `target: the host key of ${target} is not accepted yet: check its fingerprint and accept it under SSH hosts`,
        'target',
      );
    }
    this.writeKnownHosts();
    return {
      knownHostsFile: this.options.knownHostsPath,
      hostKeyAlias: hostKeyAlias(target),
      ...(this.options.netns === undefined ? {} : { netns: this.options.netns }),
      ...(this.options.stateDir === undefined ? {} : { stateDir: this.options.stateDir }),
      ...(this.options.rootDir === undefined ? {} : { rootDir: this.options.rootDir }),
      ...(this.options.bundleDir === undefined ? {} : { bundleDir: this.options.bundleDir }),
    };
  }

  /** Every accepted key of every host, under its alias; written whole and renamed into place. */
  writeKnownHosts(): void {
    const lines = this.list().flatMap((h) =>
      this.store.sshHosts.acceptedKeys(h.target).map((key) => `${hostKeyAlias(h.target)} ${key}`),
    );
    const path = this.options.knownHostsPath;
    const tmp = `${path}.tmp-${process.pid}`;
    writeFileSync(tmp, lines.length ? `${lines.join('\n')}\n` : '', { mode: 0o600 });
    renameSync(tmp, path);
  }

  /**
   * A connection refused for its host key: read what the box offers now, keep it apart from the accepted keys,
   * and say both fingerprints and how to accept the new one.
   */
  async refusedKey(target: string): Promise<EnvironmentError> {
    const before = this.store.sshHosts.get(target).accepted;
    let offered: readonly SshHostKey[] = [];
    try {
      offered = (await this.fetchKeys(target)).offered;
    } catch {}
    this.store.recordAudit('ssh-host.key-refused', target, `offers ${show(offered)}`);
    return new EnvironmentError(
      `${target}: host key CHANGED, refused before anything ran: accepted ${show(before)}, the box now offers ${show(offered)}; if the box was re-keyed, check the new key there (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub) and accept it under SSH hosts`,
    );
  }
}
