// Electron's security checklist applied in one place: window options, navigation and new-window denial,
// permission denial, no remote content, and the sender check every IPC message passes before anything runs.

import type { BrowserWindowConstructorOptions, Session, WebContents, WebFrameMain } from 'electron';

export const APP_SCHEME = 'app';
export const APP_HOST = 'markwright';
export const APP_ENTRY = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** True for our own page's top frame only: not an iframe, not another origin, not a destroyed frame. */
export function isTrustedFrame(frame: WebFrameMain | null | undefined): boolean {
  if (!frame || frame.parent !== null) return false;
  try {
    const url = new URL(frame.url);
    return url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST;
  } catch {
    return false;
  }
}

export function windowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 800,
    minWidth: 960,
    minHeight: 640,
    show: false,
    title: 'Markwright',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      experimentalFeatures: false,
      safeDialogs: true,
      spellcheck: false,
    },
  };
}

/** Every web contents may only show our page: navigation, redirects, pop-ups and webviews are refused. */
export function hardenContents(contents: WebContents): void {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

/** URLs the app's session may load: its own scheme, and DevTools' when a developer opens them. */
export function isAllowedRequest(url: string): boolean {
  return url.startsWith(`${APP_SCHEME}://${APP_HOST}/`) || url.startsWith('devtools://');
}

export function hardenSession(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.webRequest.onBeforeRequest((details, callback) =>
    callback({ cancel: !isAllowedRequest(details.url) }),
  );
}
