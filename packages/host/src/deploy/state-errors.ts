import { EnvironmentError } from '../exec/errors';

/** A state or persistence file Markwright cannot trust: unreadable, not JSON, or not the shape it must have. */
export class CorruptStateError extends EnvironmentError {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
  }
}
