// Bundles the Electron main process, the preload (CommonJS, as sandboxed preloads require) and the renderer.
// The main bundle keeps better-sqlite3 external: its native module must match Electron's ABI (electron-rebuild).
import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { build } from 'esbuild';

mkdirSync('dist/renderer', { recursive: true });
const jobs = [];
if (existsSync('src/main/main.ts')) {
  jobs.push(
    build({
      entryPoints: { main: 'src/main/main.ts' },
      outdir: 'dist',
      outExtension: { '.js': '.cjs' },
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      external: ['electron', 'better-sqlite3'],
      // Shared packages are ES modules; give their `import.meta.url` its CommonJS meaning.
      define: { 'import.meta.url': '__mwImportMetaUrl' },
      banner: { js: "const __mwImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
      logLevel: 'warning',
    }),
  );
}
if (existsSync('src/preload/preload.ts')) {
  jobs.push(
    build({
      entryPoints: { preload: 'src/preload/preload.ts' },
      outdir: 'dist',
      outExtension: { '.js': '.cjs' },
      bundle: true,
      platform: 'node',
      format: 'cjs',
      external: ['electron'],
      logLevel: 'warning',
    }),
  );
}
if (existsSync('src/renderer/main.ts')) {
  jobs.push(
    build({
      entryPoints: { app: 'src/renderer/main.ts' },
      outdir: 'dist/renderer',
      bundle: true,
      platform: 'browser',
      target: 'chrome120',
      format: 'esm',
      minify: true,
      sourcemap: 'linked',
      logLevel: 'warning',
    }),
  );
}
await Promise.all(jobs);
if (existsSync('src/renderer/index.html')) cpSync('src/renderer/index.html', 'dist/renderer/index.html');
