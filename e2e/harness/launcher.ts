// What a flow needs from a launcher: a page showing the app on a workspace's database, and a way to close the
// app and start a fresh instance on the same files. Serve mode in Chromium and the Electron window both give it.

import type { Page } from 'playwright-core';
import type { Workspace } from './workspace';

export type LauncherName = 'chromium-serve' | 'electron';

export interface AppSession {
  readonly launcher: LauncherName;
  /** The page of the running instance (replaced by restart). */
  readonly page: Page;
  /** Serve mode: the address the server printed, with its session token (the Electron window needs none). */
  readonly url?: string;
  /** Uncaught exceptions the page threw; a flow ends by checking there were none. */
  readonly pageErrors: readonly string[];
  /** Closes the app completely and starts a new instance on the same database and state folders. */
  restart(): Promise<Page>;
  close(): Promise<void>;
}

export interface Launcher {
  readonly name: LauncherName;
  /** Why this launcher cannot run here, or null. */
  readonly skipReason: string | null;
  start(workspace: Workspace): Promise<AppSession>;
}

export const VIEWPORT = { width: 1280, height: 800 } as const;

/** Waits until the app shell has rendered its tabs and loaded the layouts list. */
export async function waitForApp(page: Page): Promise<void> {
  await page.getByTestId('tab-layouts').waitFor({ state: 'visible', timeout: 30_000 });
  await page.locator('mw-layouts-view').waitFor({ state: 'attached', timeout: 30_000 });
}
