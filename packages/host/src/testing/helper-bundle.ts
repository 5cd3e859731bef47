import { join } from 'node:path';
import { buildSync } from 'esbuild';

const srcDir = join(import.meta.dirname, '..');

/**
 * Bundle what runs on a remote box (the helper, the revert watchdog, the trace guard) into `dir`, laid out like
 * the command line's dist/, so a test copies a fresh build rather than whatever dist/ holds.
 */
export function bundleRemoteHelper(dir: string): string {
  buildSync({
    bundle: true,
    splitting: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    logLevel: 'error',
    entryPoints: {
      helper: join(srcDir, 'helper/helper-main.ts'),
      watchdog: join(srcDir, 'deploy/watchdog-main.ts'),
      'trace-guard': join(srcDir, 'observe/trace-guard-main.ts'),
    },
    outdir: dir,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
  });
  return dir;
}
