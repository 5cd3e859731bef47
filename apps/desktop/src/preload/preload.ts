// Sandboxed preload: exposes the typed API bridge and nothing else.

import { contextBridge, ipcRenderer } from 'electron';
import { buildBridge } from './bridge';

contextBridge.exposeInMainWorld(
  'markwright',
  buildBridge((channel, argument) => ipcRenderer.invoke(channel, argument)),
);
