/** The environment is wrong (missing tool, no permission, lock held): the CLI exits 2. */
export class EnvironmentError extends Error {
  override readonly name = 'EnvironmentError';
}

/** A kernel tool refused a command; carries the argv and the tool's own message. */
export class ToolError extends Error {
  override readonly name = 'ToolError';
  constructor(
    readonly argv: readonly string[],
    readonly code: number,
    readonly stderr: string,
  ) {
    super(`${argv.join(' ')} exited ${code}: ${stderr.trim()}`);
  }
}
