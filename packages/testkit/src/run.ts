import { spawnSync } from 'node:child_process';

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly input?: string;
  /** Run inside this network namespace (`ip netns exec NAME ...`). */
  readonly netns?: string;
  /** Return a non-zero exit instead of throwing. */
  readonly allowFail?: boolean;
  readonly timeoutMs?: number;
}

/** A kernel tool exited non-zero (or could not be started): the message names the argv and its stderr. */
export class ToolFailure extends Error {
  override readonly name = 'ToolFailure';
}

/** Run a program with an argument array (never a shell string). Throws with stderr on failure unless allowFail. */
export function run(argv: readonly string[], options: RunOptions = {}): RunResult {
  const full = options.netns ? ['ip', 'netns', 'exec', options.netns, ...argv] : [...argv];
  const child = spawnSync(full[0]!, full.slice(1), {
    input: options.input,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 30_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  const result = {
    code: child.status ?? -1,
    stdout: child.stdout ?? '',
    stderr: child.stderr ?? String(child.error ?? ''),
  };
  if (result.code !== 0 && !options.allowFail) {
    throw new ToolFailure(`${full.join(' ')} exited ${result.code}: ${result.stderr.trim()}`);
  }
  return result;
}

export function hasCommand(name: string): boolean {
  return run(['sh', '-c', 'command -v "$1"', 'sh', name], { allowFail: true }).code === 0;
}
