import type { PreloadBridge } from '@markwright/api/client';
import { apiFromBridge } from '@markwright/api/client';
import { describeApiContract, layoutRows, openTestBackend } from '@markwright/app-backend/testing';
import { vi } from 'vitest';
import { fake } from '../testing/fake-electron';
import { registerApiHandlers } from './ipc';

vi.mock('electron', () => import('../testing/fake-electron'));

// The preload runs once, as in a window: it puts the bridge on the (fake) main world.
await import('../preload/preload');
const bridge = fake.mainWorld.markwright as PreloadBridge;

describeApiContract('Electron IPC (preload bridge + main handlers)', async () => {
  const { backend, host, cleanup } = openTestBackend();
  const unregister = registerApiHandlers(backend.dispatch);
  return {
    api: apiFromBridge(bridge),
    host,
    layoutRows: () => layoutRows(backend),
    close: async () => {
      unregister();
      cleanup();
    },
  };
});
