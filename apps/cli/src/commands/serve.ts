// `markwright serve [--port N] [--db PATH] [--state-dir DIR] [--root-dir DIR] [--open]`: the app's pages and API on 127.0.0.1 for a browser
// on this machine, until interrupted. Prints exactly one line, the address with its session token.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Backend, createBackend } from '@markwright/app-backend/backend';
import { type RunningServer, startServer } from '@markwright/app-backend/server';
import { defaultDatabasePath, StoreError } from '@markwright/app-backend/store';
import { EnvironmentError, InputError } from '@markwright/core';
import { flag, parseArgs } from '../args';
import { type Command, type CommandIo, EXIT } from '../io';

const here = dirname(fileURLToPath(import.meta.url));

/** The first candidate that exists, from the bundle (apps/cli/dist) or the sources (apps/cli/src/commands). */
function locate(fromDist: string, fromSource: string): string | undefined {
  return [resolve(here, fromDist), resolve(here, fromSource)].find((path) => existsSync(path));
}

function parsePort(text: string | undefined): number {
  if (text === undefined) return 0;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535)
    throw new InputError('--port', text, 'must be a port number 0-65535');
  return port;
}

const XDG_OPEN = '/usr/bin/xdg-open';

/** `--open` (the desktop entry's fallback without Electron): the address in the user's default browser. */
function openInBrowser(url: string, io: CommandIo): void {
  if (!existsSync(XDG_OPEN)) {
    io.stderr(`markwright: ${XDG_OPEN} is not installed; open the address above in a browser\n`);
    return;
  }
  const child = spawn(XDG_OPEN, [url], { detached: true, stdio: 'ignore' });
  child.on('error', () => {});
  child.unref();
}

/** Resolves on SIGINT or SIGTERM. */
function interrupted(): Promise<void> {
  return new Promise((done) => {
    process.once('SIGINT', () => done());
    process.once('SIGTERM', () => done());
  });
}

const serve: Command = async (io) => {
  const parsed = parseArgs(io.args, ['port', 'db', 'state-dir', 'root-dir'], ['open']);
  if (parsed.positionals.length > 0)
    throw new InputError('serve', parsed.positionals[0], 'takes no positional argument');
  const port = parsePort(flag(parsed, 'port'));
  const dbPath = resolve(flag(parsed, 'db') ?? defaultDatabasePath());
  // Where the deploy verbs keep history and persistence files (defaults: the host's, /var/lib and /).
  const stateDir = flag(parsed, 'state-dir') ?? process.env.MARKWRIGHT_STATE_DIR;
  const rootDir = flag(parsed, 'root-dir') ?? process.env.MARKWRIGHT_ROOT_DIR;
  const rendererDir =
    process.env.MARKWRIGHT_RENDERER_DIR ??
    locate('../../desktop/dist/renderer', '../../../desktop/dist/renderer') ??
    resolve(here, '../../desktop/dist/renderer');
  if (!existsSync(join(rendererDir, 'index.html'))) {
    io.stderr(`markwright: the app's pages are not built (${rendererDir}); run \`pnpm run build\`\n`);
  }
  const cliPath =
    process.env.MARKWRIGHT_CLI ??
    (process.argv[1]?.endsWith('markwright.mjs') ? process.argv[1] : undefined) ??
    locate('markwright.mjs', '../../dist/markwright.mjs') ??
    resolve(here, 'markwright.mjs');

  // The port first: a busy port must fail before a database is created or migrated. No request can arrive
  // before the backend is ready (nobody has the token until the address is printed below).
  let backend: Backend | null = null;
  let server: RunningServer;
  try {
    server = await startServer({
      dispatch: (method, argument) =>
        backend
          ? backend.dispatch(method, argument)
          : Promise.resolve({
              ok: false,
              error: { kind: 'environment', message: 'the backend is starting' },
            }),
      rendererDir,
      port,
    });
  } catch (error) {
    throw new EnvironmentError(`cannot listen on 127.0.0.1:${port}: ${(error as Error).message}`, '--port');
  }
  try {
    backend = createBackend({
      dbPath,
      cliPath,
      ...(stateDir ? { stateDir: resolve(stateDir) } : {}),
      ...(rootDir ? { rootDir: resolve(rootDir) } : {}),
    });
  } catch (error) {
    await server.close();
    if (error instanceof StoreError) throw new EnvironmentError(error.message, '--db');
    throw error;
  }
  io.stdout(`Markwright is serving at ${server.url}\n`);
  if (parsed.switches.has('open')) openInBrowser(server.url, io);
  await interrupted();
  await server.close();
  backend.close();
  return EXIT.ok;
};
export default serve;
