import { spawnSync } from 'node:child_process';

/** A failure of a kernel tool while building or driving the scratch namespaces. */
export class VerifyError extends Error {
  override readonly name = 'VerifyError';
}

export interface ExecResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run argv (never a shell string), optionally inside a namespace; throws VerifyError unless allowFail. */
export function exec(
  argv: readonly string[],
  options: { netns?: string; input?: string; allowFail?: boolean } = {},
): ExecResult {
  const full = options.netns ? ['ip', 'netns', 'exec', options.netns, ...argv] : [...argv];
  const child = spawnSync(full[0]!, full.slice(1), {
    input: options.input,
    encoding: 'utf8',
    timeout: 30_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  const result = {
    code: child.status ?? -1,
    stdout: child.stdout ?? '',
    stderr: child.stderr ?? String(child.error ?? ''),
  };
  if (result.code !== 0 && !options.allowFail) {
    throw new VerifyError(`${full.join(' ')} exited ${result.code}: ${result.stderr.trim()}`);
  }
  return result;
}

export function hasTool(name: string): boolean {
  return exec(['sh', '-c', 'command -v "$1"', 'sh', name], { allowFail: true }).code === 0;
}
