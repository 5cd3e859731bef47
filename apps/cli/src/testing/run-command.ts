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
