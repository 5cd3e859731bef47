import { printable } from './printable';
import type { ErrorKind } from './shape';

/** Bad input: names the field (a path such as `layout.fields[2].offset`) and the offending value. */
export class InputError extends Error {
  override readonly name: string = 'InputError';
  readonly kind: ErrorKind = 'input';
  constructor(
    readonly field: string,
    readonly value: unknown,
    message: string,
  ) {
    super(printable(`${field}: ${message} (got ${describe(value)})`));
  }

  /** The same error with its field placed under `prefix` (a file name, an enclosing path). */
  within(prefix: string): InputError {
    const error = new InputError(`${prefix}: ${this.field}`, this.value, '');
    error.message = printable(`${prefix}: ${this.message}`);
    return error;
  }
}

/** The input names something that does not exist (a layout, a deployment id): exit 1 like any bad input. */
export class NotFound extends InputError {
  override readonly name = 'NotFound';
  override readonly kind = 'not-found';
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
