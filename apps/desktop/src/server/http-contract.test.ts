import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeApiContract } from '../../test/api-contract';
import { layoutRows, openTestBackend } from '../../test/backend-fixture';
import { createHttpApi } from '../api/http-client';
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
