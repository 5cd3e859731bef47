// Where the shipped pieces the flows drive live in the repository.

import { resolve } from 'node:path';

export const e2eDir = resolve(import.meta.dirname, '..');
export const repoRoot = resolve(e2eDir, '..');
export const cliDir = resolve(repoRoot, 'apps/cli');
export const desktopDir = resolve(repoRoot, 'apps/desktop');
export const hostDir = resolve(repoRoot, 'packages/host');
/** The bundled `markwright` command (serve mode and the deploy verbs the app runs). */
export const cliBundle = resolve(cliDir, 'dist/markwright.mjs');
export const rendererDir = resolve(desktopDir, 'dist/renderer');
export const resultsDir = resolve(e2eDir, 'results');
export const screenshotsDir = resolve(repoRoot, 'docs/screenshots');
export const fixturesDir = resolve(e2eDir, 'fixtures');
export const CHROMIUM = '/usr/bin/chromium';
