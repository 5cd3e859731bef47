import { spawn } from 'node:child_process';
import type { Target } from '../types';
import { EnvironmentError, ToolError } from './errors';

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly input?: string;
  /** Return a non-zero exit instead of throwing ToolError. */
  readonly allowFail?: boolean;
}

/** Runs kernel tools on one target. Argument arrays only: nothing is ever parsed by a shell. */
export interface Runner {
  readonly target: Target;
  run(argv: readonly string[], options?: RunOptions): Promise<RunResult>;
}

/** How to gain root when not root: `sudo -n` (no password prompt) or `pkexec` (polkit action). */
export type Elevation = 'none' | 'sudo' | 'pkexec';

export interface SystemRunnerOptions {
  readonly elevation?: Elevation;
}

/** Spawn without a shell; resolves with the exit code and both streams. */
export function spawnCollect(argv: readonly string[], input?: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT')
        reject(new EnvironmentError(`${argv[0]} is not installed (not found in PATH)`));
      else reject(error);
    });
    child.on('close', (code, signal) => {
      resolve({
        code: code ?? (signal ? 128 : -1),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(input ?? '');
  });
}

/** The argv actually executed for a target: `ip netns exec NAME` in front, and the elevation prefix. */
export function fullArgv(target: Target, elevation: Elevation, argv: readonly string[]): string[] {
  const inTarget = target.kind === 'netns' ? ['ip', 'netns', 'exec', target.name, ...argv] : [...argv];
  if (elevation === 'sudo') return ['sudo', '-n', '--', ...inTarget];
  if (elevation === 'pkexec') return ['pkexec', ...inTarget];
  return inTarget;
}

export function createSystemRunner(target: Target, options: SystemRunnerOptions = {}): Runner {
  const elevation = options.elevation ?? 'none';
  return {
    target,
    async run(argv, runOptions = {}) {
      const full = fullArgv(target, elevation, argv);
      const result = await spawnCollect(full, runOptions.input);
      if (result.code !== 0 && !runOptions.allowFail) throw new ToolError(argv, result.code, result.stderr);
      return result;
    },
  };
}
