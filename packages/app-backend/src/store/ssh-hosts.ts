// The SSH hosts the user added and their host keys. A key is stored as the box offered it (type, public key,
// SHA256 fingerprint) and used for connections only after the user accepted it; accepting a new set of keys
// replaces the old ones in one transaction. Only public keys are kept here.

import type { SshHostKey, SshHostState, SshHostSummary } from '@markwright/core';
import type Database from 'better-sqlite3';
import { StoreError } from './errors';

/** A host key as ssh-keyscan reads it, with its fingerprint. */
export interface OfferedKey extends SshHostKey {
  /** The key as known_hosts holds it: `ssh-ed25519 AAAA...`. */
  readonly publicKey: string;
}

interface KeyRow {
  key_type: string;
  public_key: string;
  fingerprint: string;
  accepted_at: string | null;
}

export class SshHostStore {
  constructor(
    private readonly db: Database.Database,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private hostId(target: string): number {
    const row = this.db.prepare('SELECT id FROM ssh_hosts WHERE target = ?').get(target) as
      | { id: number }
      | undefined;
    if (!row) throw new StoreError('not-found', `no SSH host ${target}`);
    return row.id;
  }

  private keys(hostId: number): KeyRow[] {
    return this.db
      .prepare(
        'SELECT key_type, public_key, fingerprint, accepted_at FROM ssh_host_keys WHERE host_id = ? ORDER BY key_type, fingerprint',
      )
      .all(hostId) as KeyRow[];
  }

  has(target: string): boolean {
    return this.db.prepare('SELECT 1 FROM ssh_hosts WHERE target = ?').get(target) !== undefined;
  }

  /** Adds a host; refused when it is there already. */
  add(target: string): void {
    try {
      this.db
        .prepare('INSERT INTO ssh_hosts (target, added_at) VALUES (?, ?)')
        .run(target, this.now().toISOString());
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE')
        throw new StoreError('conflict', `the SSH host ${target} is in the list already`);
      throw error;
    }
  }

  remove(target: string): void {
    this.db.prepare('DELETE FROM ssh_hosts WHERE id = ?').run(this.hostId(target));
  }

  /** Keeps what the box offers now; accepted keys stay accepted, other offers are replaced. */
  recordOffered(target: string, offered: readonly OfferedKey[]): void {
    const id = this.hostId(target);
    const at = this.now().toISOString();
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM ssh_host_keys WHERE host_id = ? AND accepted_at IS NULL').run(id);
      const insert = this.db.prepare(
        `INSERT INTO ssh_host_keys (host_id, key_type, public_key, fingerprint, seen_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (host_id, key_type, public_key) DO NOTHING`,
      );
      for (const k of offered) insert.run(id, k.type, k.publicKey, k.fingerprint, at);
    })();
  }

  /**
   * Accept exactly the offered keys with these fingerprints; they replace every key accepted before. Refused
   * when a fingerprint is not among the keys the box offered (the user accepts what was shown, nothing else).
   */
  accept(target: string, fingerprints: readonly string[]): void {
    const id = this.hostId(target);
    const offered = this.keys(id).filter((k) => k.accepted_at === null);
    for (const f of fingerprints) {
      if (!offered.some((k) => k.fingerprint === f)) {
        throw new StoreError(
          'conflict',
          `${target} did not offer ${f}: fetch its key again and accept the fingerprint shown`,
        );
      }
    }
    const at = this.now().toISOString();
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM ssh_host_keys WHERE host_id = ? AND accepted_at IS NOT NULL').run(id);
      const mark = this.db.prepare(
        'UPDATE ssh_host_keys SET accepted_at = ? WHERE host_id = ? AND fingerprint = ? AND accepted_at IS NULL',
      );
      for (const f of fingerprints) mark.run(at, id, f);
      this.db.prepare('DELETE FROM ssh_host_keys WHERE host_id = ? AND accepted_at IS NULL').run(id);
    })();
  }

  /** The accepted public keys (`type base64`), the only ones a connection may meet. */
  acceptedKeys(target: string): string[] {
    return this.keys(this.hostId(target))
      .filter((k) => k.accepted_at !== null)
      .map((k) => k.public_key);
  }

  get(target: string): SshHostSummary {
    const row = this.db.prepare('SELECT id, target, added_at FROM ssh_hosts WHERE target = ?').get(target) as
      | { id: number; target: string; added_at: string }
      | undefined;
    if (!row) throw new StoreError('not-found', `no SSH host ${target}`);
    return this.summary(row);
  }

  list(): SshHostSummary[] {
    const rows = this.db.prepare('SELECT id, target, added_at FROM ssh_hosts ORDER BY target').all() as {
      id: number;
      target: string;
      added_at: string;
    }[];
    return rows.map((r) => this.summary(r));
  }

  private summary(row: { id: number; target: string; added_at: string }): SshHostSummary {
    const keys = this.keys(row.id);
    const key = (k: KeyRow): SshHostKey => ({ type: k.key_type, fingerprint: k.fingerprint });
    const accepted = keys.filter((k) => k.accepted_at !== null).map(key);
    const offered = keys.filter((k) => k.accepted_at === null).map(key);
    const state: SshHostState =
      accepted.length === 0 ? 'unverified' : offered.length > 0 ? 'changed' : 'accepted';
    return { target: row.target, state, accepted, offered, addedAt: row.added_at };
  }
}
