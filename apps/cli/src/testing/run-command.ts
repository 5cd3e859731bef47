import { join } from 'node:path';
import type { Command } from '../io';

export interface CommandRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Run a command in-process with captured stdout/stderr and the given stdin, as main.ts would. */
export async function runCommand(command: Command, args: readonly string[], stdin = ''): Promise<CommandRun> {
  let out = '';
  let err = '';
  const code = await command({
    args,
    stdout: (text) => {
      out += text;
    },
    stderr: (text) => {
      err += text;
    },
    readStdin: async () => stdin,
  });
  return { code, out, err };
}

/** The options that point a deploy verb at a test's namespace and private folders (never the real /etc). */
export const privateTarget = (netns: string, dir: string): string[] => [
  '--target',
  `netns:${netns}`,
  '--state-dir',
  join(dir, 'state'),
  '--root-dir',
  join(dir, 'root'),
];
