// What a failure looks like outside the process that had it: `markwright VERB --json` prints this on stderr, the
// privileged helper answers with its `error`, and the app rebuilds typed errors from it (never from message text).

/**
 * Why something failed. `input` and `not-found` are the caller's to fix (exit 1); `environment`, `lock-held`,
 * `not-authorised` and `tool-failed` are the machine's (exit 2); `internal` is a bug (exit 2).
 */
export type ErrorKind =
  | 'input'
  | 'not-found'
  | 'environment'
  | 'lock-held'
  | 'not-authorised'
  | 'tool-failed'
  | 'internal';

export interface ErrorShape {
  readonly kind: ErrorKind;
  /** The option, field path or file the error is about; null when it is about none in particular. */
  readonly field: string | null;
  /** One line, naming the field and the offending value when there is one. */
  readonly message: string;
}

export interface ErrorReport {
  readonly ok: false;
  readonly error: ErrorShape;
}
