import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWatchdog } from '@markwright/host/testing';
import { buildSync } from 'esbuild';

/** Bundle the deploy verbs and the watchdog once per test file; returns a function running the CLI. */
export function bundleCli(): { cli: CliRun; cliAsync: CliSpawn; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'mw-cli-'));
  buildSync({
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    logLevel: 'error',
    entryPoints: [join(import.meta.dirname, 'cli-entry.ts')],
    outfile: join(dir, 'markwright.mjs'),
  });
  const env = { ...process.env, MARKWRIGHT_WATCHDOG: bundleWatchdog(dir) };
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
