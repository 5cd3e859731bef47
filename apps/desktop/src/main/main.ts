// Entry of the bundled main process (dist/main.cjs): paths and options, then startDesktop.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { defaultDatabasePath } from '@markwright/app-backend/store';
import { startDesktop } from './app';
import { dbArgument } from './args';

// The better-sqlite3 binding set-up built for Electron's ABI (scripts/setup.sh), unless one is named already.
const electronBinding = join(__dirname, '..', 'native', 'electron', 'better_sqlite3.node');
if (!process.env.MARKWRIGHT_SQLITE_BINDING && existsSync(electronBinding)) {
  process.env.MARKWRIGHT_SQLITE_BINDING = electronBinding;
}

void startDesktop({
  dbPath: dbArgument(process.argv) ?? process.env.MARKWRIGHT_DB ?? defaultDatabasePath(),
  rendererDir: join(__dirname, 'renderer'),
  preloadPath: join(__dirname, 'preload.cjs'),
  cliPath: process.env.MARKWRIGHT_CLI ?? join(__dirname, '..', '..', 'cli', 'dist', 'markwright.mjs'),
  ...(process.env.MARKWRIGHT_STATE_DIR ? { stateDir: process.env.MARKWRIGHT_STATE_DIR } : {}),
  ...(process.env.MARKWRIGHT_ROOT_DIR ? { rootDir: process.env.MARKWRIGHT_ROOT_DIR } : {}),
});
