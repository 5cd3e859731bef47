import { ToolFailed } from '@markwright/core';

// The tagged environment errors are core's, so every process (and the app) shares one definition.
export { AuthRefused, EnvironmentError, LockHeld } from '@markwright/core';

/** A kernel tool refused a command; carries the argv and the tool's own message. */
export class ToolError extends ToolFailed {
  override readonly name = 'ToolError';
  constructor(
    readonly argv: readonly string[],
    readonly code: number,
    readonly stderr: string,
  ) {
    super(`${argv.join(' ')} exited ${code}: ${stderr.trim()}`);
  }
}
