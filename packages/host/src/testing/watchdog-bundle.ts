import { join } from 'node:path';
import { buildSync } from 'esbuild';

/** The host's source folder: the watchdog entry point lives under it. */
const srcDir = join(import.meta.dirname, '..');

/** Bundles the revert watchdog into `dir/watchdog.mjs` (what an installed CLI starts detached); returns its path. */
export function bundleWatchdog(dir: string): string {
  const outfile = join(dir, 'watchdog.mjs');
  buildSync({
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    logLevel: 'error',
    entryPoints: [join(srcDir, 'deploy/watchdog-main.ts')],
    outfile,
  });
  return outfile;
}
