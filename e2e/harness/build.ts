// Vitest global set-up: the flows drive the shipped bundles (the CLI, the renderer, the Electron main and
// preload, the host's revert watchdog). Each is rebuilt with its own build script when it is missing or older
// than the sources it comes from, so `pnpm test:e2e` never runs a stale app; a failed rebuild fails the run.

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cliDir, desktopDir, hostDir, repoRoot } from './paths';

/** The newest modification time under `dirs` (TypeScript and HTML sources, tests excluded). */
function newestSource(dirs: readonly string[]): number {
  let newest = 0;
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === 'dist') continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(ts|html)$/.test(entry.name) && !/\.test\.ts$/.test(entry.name))
        newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  for (const dir of dirs) if (existsSync(dir)) walk(dir);
  return newest;
}

const oldestOutput = (outputs: readonly string[]): number =>
  Math.min(...outputs.map((file) => (existsSync(file) ? statSync(file).mtimeMs : 0)));

export interface Bundle {
  readonly dir: string;
  readonly outputs: readonly string[];
  readonly sources: readonly string[];
}

const src = (pkg: string) => resolve(repoRoot, pkg, 'src');
// Every workspace package's sources: a bundle may pull in any of them, and a new package must count too.
const shared = readdirSync(resolve(repoRoot, 'packages')).map((pkg) => src(`packages/${pkg}`));

const BUNDLES: readonly Bundle[] = [
  { dir: hostDir, outputs: [join(hostDir, 'dist/watchdog.mjs')], sources: shared },
  {
    dir: desktopDir,
    outputs: ['dist/main.cjs', 'dist/preload.cjs', 'dist/renderer/app.js', 'dist/renderer/index.html'].map(
      (f) => join(desktopDir, f),
    ),
    sources: [...shared, src('apps/desktop')],
  },
  {
    dir: cliDir,
    outputs: [join(cliDir, 'dist/markwright.mjs')],
    sources: [...shared, src('apps/cli')],
  },
];

export default function setup(): void {
  rebuildStale(BUNDLES);
}

/** Runs `node build.mjs` in each bundle's folder whose outputs are missing or older than its sources. */
export function rebuildStale(bundles: readonly Bundle[]): void {
  for (const bundle of bundles) {
    if (oldestOutput(bundle.outputs) >= newestSource(bundle.sources)) continue;
    const result = spawnSync(process.execPath, ['build.mjs'], { cwd: bundle.dir, encoding: 'utf8' });
    if (result.status === 0) continue;
    // Never fall back to an older bundle: the flows would test code that is not the sources.
    throw new Error(`building ${bundle.dir} failed (${result.status}): ${result.stderr.trim()}`);
  }
}
