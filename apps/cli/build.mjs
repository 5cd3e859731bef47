// Bundles the CLI for Node: no TypeScript at run time, and each verb in its own chunk so a command loads only
// the code it runs (start-up time is most of a short command's cost).
import { readFileSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

// Chunk names carry content hashes: start from an empty folder so old chunks never pile up.
rmSync('dist', { recursive: true, force: true });

await build({
  // So do the privileged helper (installed behind /usr/lib/markwright/markwright-helper), the revert watchdog
  // and the trace guard.
  entryPoints: {
    markwright: 'src/main.ts',
    watchdog: '../../packages/host/src/deploy/watchdog-main.ts',
    helper: '../../packages/host/src/helper/helper-main.ts',
    'trace-guard': '../../packages/host/src/observe/trace-guard-main.ts',
  },
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: 'linked',
  external: ['better-sqlite3', 'electron'],
  define: {
    'process.env.MARKWRIGHT_BUILD_VERSION': JSON.stringify(
      JSON.parse(readFileSync('package.json', 'utf8')).version,
    ),
  },
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __mwCreateRequire } from 'node:module'; const require = __mwCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
