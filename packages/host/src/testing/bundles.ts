import { join } from 'node:path';
import { buildSync } from 'esbuild';

/** The host's source folder: the watchdog and helper entry points live under it. */
const srcDir = join(import.meta.dirname, '..');

/**
 * Bundle one entry point into a single ES module for Node 20, as the CLI build does, so a test runs what an
 * installed program would run and never a stale dist/. `external` modules are left to Node to resolve.
 */
export function bundleForNode(entry: string, outfile: string, external: readonly string[] = []): string {
  buildSync({
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    logLevel: 'error',
    entryPoints: [entry],
    outfile,
    ...(external.length > 0
      ? {
          external: [...external],
          // Bundled CommonJS (better-sqlite3's loader) calls require, which an ES module lacks.
          banner: {
            js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
          },
        }
      : {}),
  });
  return outfile;
}

/** Bundles the revert watchdog into `dir/watchdog.mjs` (what an installed CLI starts detached); returns its path. */
export const bundleWatchdog = (dir: string): string =>
  bundleForNode(join(srcDir, 'deploy/watchdog-main.ts'), join(dir, 'watchdog.mjs'));

/** Bundles the privileged helper into `dir/helper.mjs`; returns its path. */
export const bundleHelper = (dir: string): string =>
  bundleForNode(join(srcDir, 'helper/helper-main.ts'), join(dir, 'helper.mjs'));
