// Entry point of the privileged helper, installed as /usr/lib/markwright/markwright-helper and started through
// pkexec (polkit action org.markwright.manage). It takes no arguments: everything arrives as validated requests.

import { fileURLToPath } from 'node:url';
import { openSession } from '../deploy/session';
import { prepareHelperDirs, resolveHelperDirs } from './dirs';
import { serveHelper } from './server';

function fail(message: string): never {
  process.stderr.write(`markwright-helper: ${message}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  if (process.argv.length > 2) fail('takes no arguments; requests arrive as JSON lines on stdin');
  if (process.geteuid?.() !== 0) fail('must run as root (it is started through pkexec)');
  let dirs: ReturnType<typeof resolveHelperDirs>;
  try {
    dirs = resolveHelperDirs(fileURLToPath(import.meta.url), process.env);
    prepareHelperDirs(dirs);
  } catch (error) {
    fail((error as Error).message);
  }
  // Never group- or world-writable, whatever umask the caller had (the state dir itself is 0700).
  process.umask(0o022);
  await serveHelper(
    process.stdin,
    process.stdout,
    (target, ownership) => openSession({ target, stateDir: dirs.stateDir, rootDir: dirs.rootDir, ownership }),
    dirs.rootDir,
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => fail(error instanceof Error ? error.message : String(error)),
);
