import { spawn } from 'node:child_process';
import type { Target } from '../types';
import { EnvironmentError, ToolError } from './errors';
import { toolPath } from './tool-path';

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

/** Spawn without a shell; resolves with the exit code and both streams. */
export function spawnCollect(argv: readonly string[], input?: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') reject(new EnvironmentError(`${argv[0]} is not installed`));
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

/**
 * The argv actually executed for a target: the tool by its absolute path, with `ip netns exec NAME` in front
 * for a namespace. Privilege is never gained here: deploy verbs run as root (directly or in the helper).
 */
export function fullArgv(target: Target, argv: readonly string[]): string[] {
  const [tool, ...rest] = argv;
  const command = [toolPath(tool ?? ''), ...rest];
  return target.kind === 'netns' ? [toolPath('ip'), 'netns', 'exec', target.name, ...command] : command;
}

export function createSystemRunner(target: Target): Runner {
  return {
    target,
    async run(argv, runOptions = {}) {
      const full = fullArgv(target, argv);
      const result = await spawnCollect(full, runOptions.input);
      if (result.code !== 0 && !runOptions.allowFail) throw new ToolError(argv, result.code, result.stderr);
      return result;
    },
  };
}
