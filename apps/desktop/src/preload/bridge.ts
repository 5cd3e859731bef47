// The object the preload exposes as `window.markwright`: one function per API method, each sending its single
// argument on that method's channel. Nothing else (no ipcRenderer, no channel names) reaches the page.

import type { PreloadBridge } from '@markwright/api/client';
import { API_METHODS, ipcChannel } from '@markwright/api/methods';

export function buildBridge(invoke: (channel: string, argument: unknown) => Promise<unknown>): PreloadBridge {
  const bridge: Partial<PreloadBridge> = {};
  for (const method of API_METHODS) {
    const channel = ipcChannel(method);
    bridge[method] = (argument: unknown) => invoke(channel, argument);
  }
  return Object.freeze(bridge as PreloadBridge);
}
