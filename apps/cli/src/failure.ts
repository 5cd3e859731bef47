// How a failed command ends, the same for every verb: one line on stderr (or, with --json, the error report
// `{"ok":false,"error":{"kind","field","message"}}`), and the exit code its kind calls for.

import { errorReport, errorShapeOf, exitCodeOf, printable } from '@markwright/core';
import type { ExitCode } from './io';

/** Whether the command line asked for JSON output (then failures are JSON too). */
export function wantsJson(args: readonly string[]): boolean {
  return args.includes('--json');
}

export function reportFailure(error: unknown, json: boolean, stderr: (text: string) => void): ExitCode {
  const shape = errorShapeOf(error);
  if (json) stderr(`${JSON.stringify(errorReport(error))}\n`);
  // One line, never a stack trace, whatever failed: the message names what went wrong.
  else stderr(`markwright: ${printable(shape.message)}\n`);
  return exitCodeOf(shape.kind);
}
