import { readFileSync } from 'node:fs';
import { InputError } from '@markwright/core';
import { COMMANDS } from './commands/index';
import './commands/registry';
import { usage, VERSION } from './help';
import { EXIT, type ExitCode } from './io';

async function main(argv: string[]): Promise<ExitCode> {
  const [verb, ...args] = argv;
  if (!verb || verb === '--help' || verb === '-h' || verb === 'help') {
    process.stdout.write(usage());
    return verb ? EXIT.ok : EXIT.badInput;
  }
  if (verb === '--version' || verb === '-V' || verb === 'version') {
    process.stdout.write(`markwright ${VERSION}\n`);
    return EXIT.ok;
  }
  const entry = COMMANDS[verb];
  if (!entry) {
    process.stderr.write(`markwright: unknown command ${JSON.stringify(verb)}\n\n${usage()}`);
    return EXIT.badInput;
  }
  const command = await entry.load();
  return command({
    args,
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    readStdin: async () => readFileSync(0, 'utf8'),
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof InputError) {
      process.stderr.write(`markwright: ${error.message}\n`);
      process.exitCode = EXIT.badInput;
    } else {
      process.stderr.write(
        `markwright: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exitCode = EXIT.environment;
    }
  },
);
