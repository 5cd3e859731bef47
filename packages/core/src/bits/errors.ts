/** Bad input: names the field (a path such as `layout.fields[2].offset`) and the offending value. */
export class InputError extends Error {
  override readonly name = 'InputError';
  constructor(
    readonly field: string,
    readonly value: unknown,
    message: string,
  ) {
    super(`${field}: ${message} (got ${describe(value)})`);
  }

  /** The same error with its field placed under `prefix` (a file name, an enclosing path). */
  within(prefix: string): InputError {
    const error = new InputError(`${prefix}: ${this.field}`, this.value, '');
    error.message = `${prefix}: ${this.message}`;
    return error;
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) {
    return String(value);
  }
  try {
    const text = JSON.stringify(value);
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
  } catch {
    return typeof value;
  }
}
