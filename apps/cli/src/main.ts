import { readFileSync } from 'node:fs';
import { InputError, printable } from '@markwright/core';
import { COMMANDS } from './commands/index';
import './commands/registry';
import { verbAndArgs } from './args';
import { usage, VERSION, verbHelp } from './help';
import { EXIT, type ExitCode } from './io';

const HELP = new Set(['--help', '-h']);

async function main(argv: string[]): Promise<ExitCode> {
  const { verb, args } = verbAndArgs(argv);
  if (verb === 'help' && args[0] && COMMANDS[args[0]]) {
    process.stdout.write(verbHelp(args[0]));
    return EXIT.ok;
  }
  if (!verb || HELP.has(verb) || verb === 'help') {
    process.stdout.write(usage());
    return verb ? EXIT.ok : EXIT.badInput;
  }
  if (verb === '--version' || verb === '-V' || verb === 'version') {
    process.stdout.write(`markwright ${VERSION}\n`);
    return EXIT.ok;
  }
  const entry = COMMANDS[verb];
  if (!entry) {
    process.stderr.write(`markwright: unknown command ${printable(JSON.stringify(verb))}\n\n${usage()}`);
    return EXIT.badInput;
  }
  if (args.some((arg) => HELP.has(arg))) {
    process.stdout.write(verbHelp(verb));
    return EXIT.ok;
  }
  const command = await entry.load();
  return command({
    args,
    stdout: (text) => process.stdout.write(text),
    // Names, paths and values from the input are echoed in messages: never let them drive the terminal.
    stderr: (text) => process.stderr.write(printable(text, true)),
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
      // One line, never a stack trace: the message says what failed in the environment.
      process.stderr.write(
        `markwright: ${printable(error instanceof Error ? error.message : String(error))}\n`,
      );
      process.exitCode = EXIT.environment;
    }
  },
);
