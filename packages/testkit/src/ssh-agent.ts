import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from './wait';

/**
 * An ssh-agent holding one key, on a socket in a private folder: what a user's session gives the app, so the app
 * authenticates with the user's agent and never reads a key file itself. `socket` is the SSH_AUTH_SOCK to pass.
 */
export interface SshAgent {
  readonly socket: string;
  stop(): void;
}

export async function startSshAgent(dir: string, keyFile: string): Promise<SshAgent> {
  const socket = join(dir, 'agent.sock');
  const child: ChildProcess = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
  const stop = () => {
    if (child.exitCode === null) child.kill('SIGTERM');
  };
  try {
    await waitFor(() => existsSync(socket) || child.exitCode !== null, 10_000, 'ssh-agent to listen');
    const added = spawnSync('ssh-add', ['-q', keyFile], {
      env: { ...process.env, SSH_AUTH_SOCK: socket },
      encoding: 'utf8',
      timeout: 10_000,
    });
    if (added.status !== 0) throw new Error(`ssh-add failed: ${added.stderr}`);
  } catch (error) {
    stop();
    throw error;
  }
  return { socket, stop };
}
