// Bundles the host's stand-alone entry points (processes it spawns detached, such as the revert watchdog).
import { existsSync } from 'node:fs';
import { build } from 'esbuild';

const entries = {
  watchdog: 'src/deploy/watchdog-main.ts',
  'trace-guard': 'src/observe/trace-guard-main.ts',
};
const present = Object.fromEntries(Object.entries(entries).filter(([, file]) => existsSync(file)));
if (Object.keys(present).length > 0) {
  await build({
    entryPoints: present,
    outdir: 'dist',
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    logLevel: 'warning',
  });
}
