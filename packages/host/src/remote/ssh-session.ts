// One OpenSSH connection per session: a ControlMaster in a private folder, opened once after ssh checked the
// host key against the user's known_hosts, then every command through it. Argument arrays only; the remote
// command line is built by remoteCommandLine so the remote argv is exactly ours.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SshTarget, sshTargetLabel } from '@markwright/core';
import { EnvironmentError } from '../exec/errors';
import { type RunResult, spawnCollect } from '../exec/runner';
import { toolPath } from '../exec/tool-path';
import { explainHostKeyRefusal, hostKeyRefused } from './host-key';
import { remoteCommandLine } from './remote-shell';

export interface SshOptions {
  /** Another client configuration instead of ~/.ssh/config (`ssh -F FILE`). */
  readonly configFile?: string;
  /** Seconds to wait for the connection (default 15). */
  readonly connectTimeout?: number;
  /** Run the client inside this network namespace (a box reachable only from there, such as a lab's). */
  readonly netns?: string;
  /**
   * Check the host key against this file only (the app's, written from its database) instead of the user's
   * known_hosts and the system's; with `hostKeyAlias` the key is looked up under that name.
   */
  readonly knownHostsFile?: string;
  readonly hostKeyAlias?: string;
}

/** A client tool by absolute path, inside `netns` when one is given. */
export function clientTool(name: string, netns?: string): string[] {
  return netns ? [toolPath('ip'), 'netns', 'exec', netns, toolPath(name)] : [toolPath(name)];
}

/** What `ssh -G` resolves for a target from the user's configuration (no connection is made). */
export interface ResolvedSsh {
  readonly user: string;
  readonly hostname: string;
  readonly port: number;
  readonly knownHostsFiles: readonly string[];
}

export class SshSession {
  private controlDir: string | null = null;
  private masterOpen = false;

  constructor(
    readonly target: SshTarget,
    readonly options: SshOptions = {},
  ) {}

  get label(): string {
    return sshTargetLabel(this.target);
  }

  /** Options every ssh call carries: no prompts, strict host keys, no forwarding, the control socket. */
  private commonArgs(): string[] {
    const t = this.target;
    const args = [
      ...(this.options.configFile ? ['-F', this.options.configFile] : []),
      '-o',
      'BatchMode=yes',
      '-o',
      'StrictHostKeyChecking=yes',
      '-o',
      'UpdateHostKeys=no',
      '-o',
      `ConnectTimeout=${this.options.connectTimeout ?? 15}`,
      '-o',
      'ServerAliveInterval=5',
      '-o',
      'ServerAliveCountMax=3',
      '-o',
      'ForwardAgent=no',
      '-o',
      'ForwardX11=no',
      '-o',
      'ClearAllForwardings=yes',
      '-o',
      'PermitLocalCommand=no',
      '-T',
    ];
    if (this.options.knownHostsFile) {
      args.push(
        '-o',
        `UserKnownHostsFile=${this.options.knownHostsFile}`,
        '-o',
        'GlobalKnownHostsFile=/dev/null',
      );
    }
    if (this.options.hostKeyAlias) args.push('-o', `HostKeyAlias=${this.options.hostKeyAlias}`);
    if (this.controlDir) args.push('-o', `ControlPath=${join(this.controlDir, 'master')}`);
    if (t.user) args.push('-l', t.user);
    if (t.port) args.push('-p', String(t.port));
    return args;
  }

  /** The target as the user's configuration resolves it (user, host name, port, known_hosts files). */
  async resolve(): Promise<ResolvedSsh> {
    const r = await spawnCollect([
      ...clientTool('ssh', this.options.netns),
      ...this.commonArgs(),
      '-G',
      '--',
      this.target.host,
    ]);
    if (r.code !== 0) throw new EnvironmentError(`${this.label}: ssh -G failed: ${lastLine(r.stderr)}`);
    const values = new Map<string, string>();
    for (const line of r.stdout.split('\n')) {
      const space = line.indexOf(' ');
      if (space > 0 && !values.has(line.slice(0, space)))
        values.set(line.slice(0, space), line.slice(space + 1));
    }
    return {
      user: values.get('user') ?? 'root',
      hostname: values.get('hostname') ?? this.target.host,
      port: Number(values.get('port') ?? 22),
      knownHostsFiles: (values.get('userknownhostsfile') ?? '~/.ssh/known_hosts').split(' ').filter(Boolean),
    };
  }

  /**
   * Connect once: authenticate, check the host key, and leave a master running that later commands share.
   * Nothing runs on the box here; a refused host key ends with its fingerprint and how to accept it.
   */
  async open(): Promise<void> {
    if (this.masterOpen) return;
    this.controlDir = mkdtempSync(join(tmpdir(), 'mw-ssh-'));
    const r = await spawnCollect([
      ...clientTool('ssh', this.options.netns),
      ...this.commonArgs(),
      '-o',
      'ControlMaster=yes',
      '-o',
      'ControlPersist=no',
      '-N',
      '-f',
      '--',
      this.target.host,
    ]);
    if (r.code !== 0) {
      this.removeControlDir();
      if (hostKeyRefused(r.stderr)) throw await explainHostKeyRefusal(this, r.stderr);
      throw new EnvironmentError(`${this.label}: cannot connect: ${lastLine(r.stderr)}`);
    }
    this.masterOpen = true;
  }

  /** The ssh argv that runs `remoteArgv` on the box through the master (for a long-lived child process). */
  commandArgv(remoteArgv: readonly string[]): string[] {
    if (!this.masterOpen) throw new EnvironmentError(`${this.label}: not connected`);
    return [
      ...clientTool('ssh', this.options.netns),
      ...this.commonArgs(),
      '-o',
      'ControlMaster=no',
      '--',
      this.target.host,
      remoteCommandLine(remoteArgv),
    ];
  }

  /** Run one remote command; resolves with its exit code and output (255 is ssh's own failure). */
  run(remoteArgv: readonly string[], input?: string): Promise<RunResult> {
    return spawnCollect(this.commandArgv(remoteArgv), input);
  }

  /** The master's pid, as ssh reports it (`ssh -O check`), or null when none runs. */
  async masterPid(): Promise<number | null> {
    if (!this.controlDir) return null;
    const r = await spawnCollect([
      ...clientTool('ssh', this.options.netns),
      ...this.commonArgs(),
      '-O',
      'check',
      '--',
      this.target.host,
    ]);
    const m = /pid=(\d+)/.exec(r.stderr);
    return r.code === 0 && m ? Number(m[1]) : null;
  }

  /** End the master and remove the private folder; safe to call twice. */
  async close(): Promise<void> {
    if (this.masterOpen && this.controlDir) {
      await spawnCollect([
        ...clientTool('ssh', this.options.netns),
        ...this.commonArgs(),
        '-O',
        'exit',
        '--',
        this.target.host,
      ]);
    }
    this.masterOpen = false;
    this.removeControlDir();
  }

  private removeControlDir(): void {
    if (this.controlDir) rmSync(this.controlDir, { recursive: true, force: true });
    this.controlDir = null;
  }
}

export function lastLine(text: string): string {
  const lines = text
    .trim()
    .split('\n')
    .filter((l) => l.trim() !== '');
  return (lines.pop() ?? 'no message').trim();
}
