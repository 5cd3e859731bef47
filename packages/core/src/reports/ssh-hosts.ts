// The app's SSH hosts: boxes the user added, each with the host keys it offered and the ones the user accepted.

/** One host key, as `ssh-keygen -l` prints it: `SHA256:<base64>` and the key type (`ED25519`, `ECDSA`, `RSA`). */
export interface SshHostKey {
  readonly type: string;
  readonly fingerprint: string;
}

/**
 * `unverified`: keys were offered, none accepted yet (nothing runs there). `accepted`: connections check the
 * accepted keys and nothing else. `changed`: the box now offers keys that differ from the accepted ones (they
 * are refused until the user accepts the new ones explicitly).
 */
export type SshHostState = 'unverified' | 'accepted' | 'changed';

export interface SshHostSummary {
  /** The target as every verb takes it: `ssh:[user@]host[:port]`. */
  readonly target: string;
  readonly state: SshHostState;
  /** The keys connections accept. */
  readonly accepted: readonly SshHostKey[];
  /** The keys the box offered last that are not accepted (first contact, or a changed key). */
  readonly offered: readonly SshHostKey[];
  readonly addedAt: string;
}
