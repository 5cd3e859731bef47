import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

const hostDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Bundle the deploy verbs and the watchdog once per test file; returns a function running the CLI. */
export function bundleCli(): { cli: CliRun; cliAsync: CliSpawn; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'mw-cli-'));
  const common = {
    bundle: true,
    platform: 'node' as const,
    target: 'node20',
    format: 'esm' as const,
    logLevel: 'error' as const,
  };
  buildSync({
    ...common,
    entryPoints: [join(hostDir, 'src/testing/cli-entry.ts')],
    outfile: join(dir, 'markwright.mjs'),
  });
  buildSync({
    ...common,
    entryPoints: [join(hostDir, 'src/deploy/watchdog-main.ts')],
    outfile: join(dir, 'watchdog.mjs'),
  });
  const env = { ...process.env, MARKWRIGHT_WATCHDOG: join(dir, 'watchdog.mjs') };
  const script = join(dir, 'markwright.mjs');
  return {
    dir,
    cli: (args, extraEnv = {}) => {
      const r = spawnSync(process.execPath, [script, ...args], {
        encoding: 'utf8',
        env: { ...env, ...extraEnv },
        timeout: 60_000,
      });
      return {
        code: r.status ?? (r.signal ? 137 : -1),
        stdout: r.stdout,
        stderr: r.stderr,
        signal: r.signal,
      };
    },
    cliAsync: (args, extraEnv = {}) =>
      new Promise((resolve) => {
        const child = spawn(process.execPath, [script, ...args], { env: { ...env, ...extraEnv } });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (b) => (stdout += b));
        child.stderr.on('data', (b) => (stderr += b));
        child.on('close', (code, signal) => resolve({ code: code ?? 137, stdout, stderr, signal }));
      }),
  };
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  signal: NodeJS.Signals | null;
}
export type CliRun = (args: string[], env?: Record<string, string>) => CliResult;
export type CliSpawn = (args: string[], env?: Record<string, string>) => Promise<CliResult>;

/** Poll until `check` is true (or fail after `ms`): tests wait for a state, never a fixed sleep. */
export async function waitFor(check: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}

export { spawnSync };
