// The app as its real Electron window, through Playwright's Electron support. It runs only where the Electron
// binary is installed and a display exists (DISPLAY, e.g. under `xvfb-run`); otherwise the flows print why they
// skip it. The deploy verbs get the workspace's state and root folders through the main process's environment.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { environmentSkip, machineFactSkip } from '@markwright/testkit';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { netnsExecutable } from './in-netns';
import { type AppSession, type Launcher, waitForApp } from './launcher';
import { desktopDir, repoRoot } from './paths';
import type { Workspace } from './workspace';

/**
 * The Electron binary, found the way electron's index.js finds it (path.txt, dist/, ELECTRON_OVERRIDE_DIST_PATH)
 * but without requiring that module, which tries to download the binary when it is missing.
 */
export function electronBinary(): { path: string } | { reason: string } {
  let packageDir: string;
  try {
    packageDir = dirname(createRequire(join(desktopDir, 'package.json')).resolve('electron/package.json'));
  } catch {
    return { reason: 'the electron package is not installed' };
  }
  const pathFile = join(packageDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (!relative && !override)
    return { reason: 'the Electron binary is not installed (no electron/path.txt)' };
  const path = override ? join(override, relative || 'electron') : join(packageDir, 'dist', relative!);
  return existsSync(path) ? { path } : { reason: `the Electron binary is missing (${path})` };
}

/**
 * No Electron binary is a fact of machines that cannot download it: a named skip, allowed under
 * MARKWRIGHT_STRICT=1. With the binary present, anything else missing is a set-up failure in CI.
 */
function skipReason(): string | null {
  const binary = electronBinary();
  if ('reason' in binary) return machineFactSkip('Electron flows', binary.reason);
  return environmentSkip('Electron flows', electronSetupProblem(binary.path));
}

function electronSetupProblem(binaryPath: string): string | null {
  if (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY)
    return 'no display (run the e2e suite under xvfb-run)';
  if (!existsSync(join(desktopDir, 'dist/main.cjs'))) return 'apps/desktop/dist/main.cjs is not built';
  // The main process opens the database with better-sqlite3, through the binding set-up builds for Electron's
  // ABI (apps/desktop/native/electron); the probe loads the same one.
  const binding = join(desktopDir, 'native', 'electron', 'better_sqlite3.node');
  if (!existsSync(binding))
    return 'better-sqlite3 is not built for Electron (scripts/build-electron-sqlite.sh)';
  const load = `new (require('better-sqlite3'))(':memory:', { nativeBinding: ${JSON.stringify(binding)} }).close()`;
  const probe = spawnSync(binaryPath, ['-e', load], {
    cwd: desktopDir,
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (probe.status !== 0) {
    const why = (probe.stderr || String(probe.error ?? '')).trim().split('\n').slice(0, 3).join(' ');
    return `better-sqlite3 does not load in Electron (rebuild it for Electron's ABI): ${why}`;
  }
  return null;
}

async function launch(workspace: Workspace): Promise<{ app: ElectronApplication; page: Page }> {
  const binary = electronBinary();
  if ('reason' in binary) throw new Error(binary.reason);
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  const place = workspace.place;
  const app = await _electron.launch({
    // In a lab namespace the window runs there, so its backend reaches the lab's SSH host.
    executablePath: place
      ? netnsExecutable(workspace.dir, 'electron-in-netns', place.netns, binary.path)
      : binary.path,
    // Chromium refuses to run as root with its sandbox; the renderer keeps contextIsolation and the CSP.
    args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), desktopDir, `--db=${workspace.dbPath}`],
    cwd: repoRoot,
    env: {
      ...env,
      ...place?.env,
      MARKWRIGHT_STATE_DIR: workspace.stateDir,
      MARKWRIGHT_ROOT_DIR: workspace.rootDir,
    },
    timeout: 60_000,
  });
  const page = await app.firstWindow();
  return { app, page };
}

class ElectronSession implements AppSession {
  readonly launcher = 'electron' as const;
  readonly pageErrors: string[] = [];
  private constructor(
    private readonly workspace: Workspace,
    private app: ElectronApplication,
    public page: Page,
  ) {
    this.watch(page);
  }

  static async start(workspace: Workspace): Promise<ElectronSession> {
    const { app, page } = await launch(workspace);
    const session = new ElectronSession(workspace, app, page);
    await waitForApp(page);
    return session;
  }

  private watch(page: Page): void {
    page.on('pageerror', (error) => this.pageErrors.push(error.message));
  }

  async restart(): Promise<Page> {
    await this.app.close();
    const { app, page } = await launch(this.workspace);
    this.app = app;
    this.page = page;
    this.watch(page);
    await waitForApp(page);
    return page;
  }

  async close(): Promise<void> {
    await this.app.close();
  }
}

export const electronLauncher: Launcher = {
  name: 'electron',
  skipReason: skipReason(),
  start: (workspace) => ElectronSession.start(workspace),
};
