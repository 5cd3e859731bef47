// The Electron main process: one hardened window showing the renderer, the backend behind IPC.

import { type Backend, createBackend } from '@markwright/app-backend/backend';
import { app, BrowserWindow, dialog, session } from 'electron';
import { registerApiHandlers } from './ipc';
import { registerAppScheme, serveRenderer } from './protocol';
import { APP_ENTRY, hardenContents, hardenSession, windowOptions } from './security';

export interface DesktopOptions {
  readonly dbPath: string;
  readonly rendererDir: string;
  readonly preloadPath: string;
  readonly cliPath: string;
  readonly stateDir?: string;
  readonly rootDir?: string;
}

export function createMainWindow(preloadPath: string): BrowserWindow {
  const window = new BrowserWindow(windowOptions(preloadPath));
  window.once('ready-to-show', () => window.show());
  void window.loadURL(APP_ENTRY);
  return window;
}

/** Starts the app; resolves once the window is created (or the app exits because the database is unusable). */
export async function startDesktop(options: DesktopOptions): Promise<Backend | null> {
  app.enableSandbox();
  registerAppScheme();
  app.on('web-contents-created', (_event, contents) => hardenContents(contents));
  app.on('window-all-closed', () => app.quit());
  await app.whenReady();
  let backend: Backend;
  try {
    backend = createBackend({
      dbPath: options.dbPath,
      cliPath: options.cliPath,
      ...(options.stateDir === undefined ? {} : { stateDir: options.stateDir }),
      ...(options.rootDir === undefined ? {} : { rootDir: options.rootDir }),
    });
  } catch (error) {
    dialog.showErrorBox('Markwright cannot open its database', (error as Error).message);
    app.exit(2);
    return null;
  }
  hardenSession(session.defaultSession);
  serveRenderer(options.rendererDir);
  const unregister = registerApiHandlers(backend.dispatch);
  app.on('will-quit', () => {
    unregister();
    backend.close();
  });
  createMainWindow(options.preloadPath);
  return backend;
}
