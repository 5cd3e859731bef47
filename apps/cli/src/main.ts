import { readFileSync } from 'node:fs';
import { InputError } from '@markwright/core';
import { COMMANDS } from './commands/index';
import './commands/registry';
import { EXIT, type ExitCode } from './io';

function usage(): string {
  const verbs = Object.entries(COMMANDS)
    .map(([verb, { summary }]) => `  ${verb.padEnd(10)} ${summary}`)
    .join('\n');
  return `usage: markwright <command> [options]\n\ncommands:\n${verbs}\n\nexit codes: 0 ok, 1 bad input, 2 environment problem\n`;
}

async function main(argv: string[]): Promise<ExitCode> {
  const [verb, ...args] = argv;
  if (!verb || verb === '--help' || verb === '-h' || verb === 'help') {
    process.stdout.write(usage());
    return verb ? EXIT.ok : EXIT.badInput;
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
