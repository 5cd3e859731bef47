// The trace verb alone, for kernel tests that run it as a separate process (Ctrl-C, kill -9). Bundled on the fly
// by trace.kernel.test.ts; same errors and exit codes as the command line.
import { InputError } from '@markwright/core';
import trace from '../commands/trace';

trace({
  args: process.argv.slice(2),
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  readStdin: async () => '',
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`markwright: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = error instanceof InputError ? 1 : 2;
  },
);
