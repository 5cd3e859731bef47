// ssh hands the remote side one command line, which the login shell splits again. Every argument is quoted
// here so that the remote program receives exactly the argv we built, whatever characters it holds.

import { InputError } from '@markwright/core';

/** One argument in POSIX single quotes: `'` inside becomes `'\''`. Nothing in single quotes is expanded. */
export function quoteArgument(arg: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * The remote command line for argv. Control characters are refused: a newline ends a command in csh-family
 * login shells even inside quotes, and no argument Markwright sends needs one.
 */
export function remoteCommandLine(argv: readonly string[]): string {
  if (argv.length === 0) throw new InputError('remote command', argv, 'is empty');
  for (const arg of argv) {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
    if (/[\u0000-\u001f\u007f]/.test(arg))
      throw new InputError('remote argument', arg, 'has control characters');
  }
  return argv.map(quoteArgument).join(' ');
}
