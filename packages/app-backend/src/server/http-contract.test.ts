import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHttpApi } from '@markwright/api';
import { describeApiContract } from '../testing/api-contract';
import { layoutRows, openTestBackend } from '../testing/backend-fixture';
import { startServer } from './server';

describeApiContract('loopback HTTP (serve mode)', async () => {
  const { backend, host, cleanup } = openTestBackend();
  const server = await startServer({
    dispatch: backend.dispatch,
    rendererDir: mkdtempSync(join(tmpdir(), 'mw-renderer-')),
    port: 0,
  });
  return {
    api: createHttpApi({ baseUrl: server.origin, token: server.token }),
    host,
    layoutRows: () => layoutRows(backend),
    close: async () => {
      await server.close();
      cleanup();
    },
  };
});
