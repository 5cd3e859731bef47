import { readFileSync } from 'node:fs';
import { InputError, printable } from '@markwright/core';
import { COMMANDS } from './commands/index';
import './commands/registry';
import { verbAndArgs } from './args';
import { reportFailure, wantsJson } from './failure';
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
    if (wantsJson(args)) throw new InputError('command', verb, 'is not a markwright command');
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
    process.exitCode = reportFailure(error, wantsJson(process.argv.slice(2)), (text) =>
      process.stderr.write(text),
    );
  },
);
