// The deploy verbs of the markwright command line, alone, for kernel tests that must run them as separate
// processes (kill -9, concurrency, watchdog). Bundled on the fly by cli-bundle.ts; same errors and exit codes.
import * as verbs from '../commands/deploy';
import { reportFailure, wantsJson } from '../failure';

const [verb, ...args] = process.argv.slice(2);
const command = (verbs as Record<string, typeof verbs.plan>)[verb ?? ''];
if (!command) {
  process.stderr.write(`unknown verb ${verb}\n`);
  process.exit(1);
}
command({
  args,
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  readStdin: async () => '',
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.exitCode = reportFailure(error, wantsJson(args), (t) => process.stderr.write(t));
  },
);
