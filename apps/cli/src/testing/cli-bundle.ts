import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bundleForNode, bundleWatchdog } from '@markwright/host/testing';

/** Bundle the deploy verbs and the watchdog once per test file; returns a function running the CLI. */
export function bundleCli(): { cli: CliRun; cliAsync: CliSpawn; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'mw-cli-'));
  bundleForNode(join(import.meta.dirname, 'cli-entry.ts'), join(dir, 'markwright.mjs'));
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

const cliRoot = resolve(import.meta.dirname, '../..');

/**
 * Bundle the whole command line (src/main.ts) privately for one test file, so a test never runs a stale
 * dist/ nor races another build. The folder sits under this package's node_modules/.cache so the bundle's
 * `import 'better-sqlite3'` resolves; remove `dir` afterwards.
 */
export function bundleMain(): { cli: CliRun; script: string; dir: string } {
  mkdirSync(join(cliRoot, 'node_modules', '.cache'), { recursive: true });
  const dir = mkdtempSync(join(cliRoot, 'node_modules', '.cache', 'cli-test-'));
  const script = join(dir, 'markwright.mjs');
  bundleForNode(join(cliRoot, 'src/main.ts'), script, ['better-sqlite3', 'electron']);
  const cli: CliRun = (args, extraEnv = {}) => {
    const r = spawnSync(process.execPath, [script, ...args], {
      encoding: 'utf8',
      env: { ...process.env, ...extraEnv },
      timeout: 60_000,
    });
    return { code: r.status ?? (r.signal ? 137 : -1), stdout: r.stdout, stderr: r.stderr, signal: r.signal };
  };
  return { cli, script, dir };
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  signal: NodeJS.Signals | null;
}
export type CliRun = (args: string[], env?: Record<string, string>) => CliResult;
export type CliSpawn = (args: string[], env?: Record<string, string>) => Promise<CliResult>;
