// A deploy session on a box over SSH: one connection (the master), the box's own helper started through it,
// and requests sent as data, exactly as to the local helper. The helper on the box starts the revert watchdog
// there, so a lost connection changes nothing about the countdown.

import type { SshTarget } from '@markwright/core';
import { type HelperCall, HelperClient } from '../helper/client';
import { prepareRemoteHelper, type RemoteDirs, type RemoteHelper } from './remote-cli';
import { type SshOptions, SshSession } from './ssh-session';

export interface RemoteSessionOptions extends SshOptions, RemoteDirs {
  /** The bundle folder to copy when the box has no package (default: this build's). */
  readonly bundleDir?: string | null;
}

export class RemoteSession {
  readonly ssh: SshSession;
  private client: HelperClient | null = null;
  helper: RemoteHelper | null = null;

  constructor(
    readonly target: SshTarget,
    private readonly options: RemoteSessionOptions = {},
  ) {
    this.ssh = new SshSession(target, options);
  }

  /** Connect (host key checked first), find or copy the helper, start it; once per session. */
  async start(): Promise<void> {
    if (this.client) return;
    await this.ssh.open();
    const dirs = { stateDir: this.options.stateDir, rootDir: this.options.rootDir };
    this.helper =
      this.options.bundleDir === undefined
        ? await prepareRemoteHelper(this.ssh, dirs)
        : await prepareRemoteHelper(this.ssh, dirs, this.options.bundleDir);
    this.client = new HelperClient({
      argv: this.ssh.commandArgv(this.helper.argv),
      viaPkexec: false,
      startTimeoutMs: 60_000,
    });
    await this.client.start();
  }

  /** One request to the box's helper, for the box itself (target `local` there). */
  async request<T>(call: Omit<HelperCall, 'target'>): Promise<T> {
    await this.start();
    const result = await this.client!.request<T>({ ...call, target: 'local' } as HelperCall);
    return relabel(result, this.ssh.label) as T;
  }

  async close(): Promise<void> {
    await this.client?.close().catch(() => {});
    this.client = null;
    await this.ssh.close();
  }
}

/**
 * On the box the helper works on `local`; reports name the target as the user wrote it. Only `target` fields
 * of the report shapes (a status, a record, an apply result, a history) are rewritten.
 */
export function relabel(value: unknown, label: string, depth = 0): unknown {
  if (depth > 3 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => relabel(v, label, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = key === 'target' && v === 'local' ? label : relabel(v, label, depth + 1);
  }
  return out;
}

/** Run fn with a fresh session on the box, always closing the connection afterwards. */
export async function withRemoteSession<T>(
  target: SshTarget,
  options: RemoteSessionOptions,
  fn: (session: RemoteSession) => Promise<T>,
): Promise<T> {
  const session = new RemoteSession(target, options);
  try {
    return await fn(session);
  } finally {
    await session.close();
  }
}
