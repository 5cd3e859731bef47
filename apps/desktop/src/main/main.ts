// Entry of the bundled main process (dist/main.cjs): paths and options, then startDesktop.

import { join } from 'node:path';
import { defaultDatabasePath } from '../store/paths';
import { startDesktop } from './app';
import { dbArgument } from './args';

void startDesktop({
  dbPath: dbArgument(process.argv) ?? process.env.MARKWRIGHT_DB ?? defaultDatabasePath(),
  rendererDir: join(__dirname, 'renderer'),
  preloadPath: join(__dirname, 'preload.cjs'),
  cliPath: process.env.MARKWRIGHT_CLI ?? join(__dirname, '..', '..', 'cli', 'dist', 'markwright.mjs'),
  ...(process.env.MARKWRIGHT_STATE_DIR ? { stateDir: process.env.MARKWRIGHT_STATE_DIR } : {}),
  ...(process.env.MARKWRIGHT_ROOT_DIR ? { rootDir: process.env.MARKWRIGHT_ROOT_DIR } : {}),
});
