// `pnpm start`: the Electron window where Electron can run (its binary and its better-sqlite3 build are installed
// and there is a display); otherwise serve mode, printing the address to open in a browser on this machine.
// Arguments after `--` go to the app (`--db PATH`; `--port N` in serve mode).

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const desktopDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cliDir = resolve(desktopDir, '..', 'cli');
const cliBundle = join(cliDir, 'dist', 'markwright.mjs');
const args = process.argv.slice(2).filter((arg) => arg !== '--');

/**
 * The Electron binary, or why there is none. Found the way electron's own index.js does (path.txt, dist/,
 * ELECTRON_OVERRIDE_DIST_PATH) without requiring it, because that require downloads the binary when it is missing.
 */
function electronBinary() {
  let packageDir;
  try {
    packageDir = dirname(createRequire(join(desktopDir, 'package.json')).resolve('electron/package.json'));
  } catch {
    return { reason: 'the electron package is not installed' };
  }
  const pathFile = join(packageDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (!relative && !override) return { reason: 'the Electron binary is not installed' };
  const path = override ? join(override, relative || 'electron') : join(packageDir, 'dist', relative);
  return existsSync(path) ? { path } : { reason: `the Electron binary is missing (${path})` };
}

function buildIfMissing(dir, outputs) {
  if (outputs.every((file) => existsSync(join(dir, file)))) return;
  const result = spawnSync(process.execPath, ['build.mjs'], { cwd: dir, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 2);
}

function run(file, argv) {
  const child = spawn(file, argv, { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

const electron = electronBinary();
const hasDisplay = Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
// The main process needs better-sqlite3 built for Electron's ABI (scripts/build-electron-sqlite.sh, run by set-up).
const hasElectronSqlite = existsSync(join(desktopDir, 'native', 'electron', 'better_sqlite3.node'));

if (electron.path && hasDisplay && hasElectronSqlite) {
  buildIfMissing(desktopDir, ['dist/main.cjs', 'dist/preload.cjs', 'dist/renderer/index.html']);
  buildIfMissing(cliDir, ['dist/markwright.mjs']);
  run(electron.path, [desktopDir, ...args]);
} else {
  // A window under a virtual display would be invisible, so without a display the app is served instead.
  const why = !electron.path
    ? electron.reason
    : !hasDisplay
      ? 'there is no display (DISPLAY/WAYLAND_DISPLAY)'
      : 'better-sqlite3 is not built for Electron (run bash scripts/build-electron-sqlite.sh)';
  process.stderr.write(
    `markwright: ${why}; starting serve mode instead (open the address below in a browser)\n`,
  );
  buildIfMissing(desktopDir, ['dist/renderer/index.html']);
  buildIfMissing(cliDir, ['dist/markwright.mjs']);
  run(process.execPath, [cliBundle, 'serve', ...args]);
}
