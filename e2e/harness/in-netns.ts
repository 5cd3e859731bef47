// A flow whose app must reach a box only a lab namespace reaches (an SSH host in the lab) runs the whole app in
// that namespace: serve and its browser, or the Electron window. Playwright starts browsers by path, so the
// program is reached through a small executable that enters the namespace and passes its arguments on unchanged.

import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where and with what extra environment the app of a flow runs. */
export interface AppPlace {
  /** The network namespace the app (and its browser) run in. */
  readonly netns: string;
  /** Extra environment for the app, such as the SSH_AUTH_SOCK of the user's agent. */
  readonly env: Readonly<Record<string, string>>;
}

const IP = '/usr/bin/ip';
const SAFE = /^[A-Za-z0-9_./-]+$/;

/** Writes `dir/name`: runs `program` inside `netns` with the arguments it was given (fds and env inherited). */
export function netnsExecutable(dir: string, name: string, netns: string, program: string): string {
  if (!SAFE.test(netns) || !SAFE.test(program))
    throw new Error(`unsafe netns or program: ${netns} ${program}`);
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\nexec ${IP} netns exec ${netns} ${program} "$@"\n`);
  chmodSync(path, 0o755);
  return path;
}

/** The argv that runs `argv` inside the place's namespace (or as is without one). */
export function placed(place: AppPlace | undefined, argv: readonly string[]): string[] {
  return place ? [IP, 'netns', 'exec', place.netns, ...argv] : [...argv];
}
