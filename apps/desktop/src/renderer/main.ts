// The page's entry: design tokens, the backend for this shell (preload bridge or serve-mode HTTP), the app. In
// serve mode without a session token the page says how to get one; a token URL pasted into the open tab (only
// the fragment changes, so no reload happens) starts the app, or reloads its data when it already runs.

import { getApi, hasBridge, hasToken, readToken, tokenInAddress } from '@markwright/api/client';
import './app/app.component';
import './app/no-token.component';
import { AppData } from './data/app-data';
import { adoptTokens } from './styles/tokens';

adoptTokens(document);

let app: HTMLElementTagNameMap['mw-app'] | null = null;

function mountApp(): void {
  document.querySelector('mw-no-token')?.remove();
  app = document.createElement('mw-app');
  app.data = new AppData(getApi());
  document.body.append(app);
}

function onAddressChange(): void {
  if (!tokenInAddress()) return;
  readToken();
  if (!app) mountApp();
  else void app.data?.start();
}

if (hasBridge() || hasToken()) mountApp();
else document.body.append(document.createElement('mw-no-token'));
if (!hasBridge()) {
  globalThis.addEventListener('hashchange', onAddressChange);
  globalThis.addEventListener('popstate', onAddressChange);
}
