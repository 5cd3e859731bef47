import type { ErrorKind } from './shape';

type EnvironmentKind = Extract<ErrorKind, 'environment' | 'lock-held' | 'not-authorised' | 'tool-failed'>;

/** The environment is wrong (missing tool, no permission, lock held, not authorised): exit 2. */
export class EnvironmentError extends Error {
  override readonly name: string = 'EnvironmentError';
  readonly kind: EnvironmentKind = 'environment';
  constructor(
    message: string,
    /** The option, path or file the problem is about, when there is one (`--db`, a state folder). */
    readonly field: string | null = null,
  ) {
    super(message);
  }
}

/** Another Markwright operation holds the target's lock. */
export class LockHeld extends EnvironmentError {
  override readonly name = 'LockHeld';
  override readonly kind = 'lock-held';
}

/** Elevation was refused or cancelled (polkit said no, the user dismissed the dialog). */
export class AuthRefused extends EnvironmentError {
  override readonly name = 'AuthRefused';
  override readonly kind = 'not-authorised';
}

/** A system tool refused a command (the host's ToolError carries its argv and stderr). */
export class ToolFailed extends EnvironmentError {
  override readonly name: string = 'ToolFailed';
  override readonly kind = 'tool-failed';
}
