import { vi } from 'vitest';
import { describeApiContract } from '../../test/api-contract';
import { layoutRows, openTestBackend } from '../../test/backend-fixture';
import { fake } from '../../test/fake-electron';
import type { PreloadBridge } from '../api/client';
import { apiFromBridge } from '../api/client';
import { registerApiHandlers } from './ipc';

vi.mock('electron', () => import('../../test/fake-electron'));

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
