import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreError } from './errors';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations';
import type { OfferedKey } from './ssh-hosts';
import { Store } from './store';

const ED = (n: number): OfferedKey => ({
  type: 'ED25519',
  publicKey: `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${n}`,
  fingerprint: `SHA256:ed${n}`,
});
const RSA: OfferedKey = { type: 'RSA', publicKey: 'ssh-rsa AAAAB3Nza', fingerprint: 'SHA256:rsa1' };
const T = 'ssh:admin@edge-1:2222';

let dir: string;
let store: Store;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mw-ssh-store-'));
  store = Store.open(join(dir, 'markwright.db'));
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function expectStoreError(fn: () => unknown, kind: StoreError['kind'], text: RegExp): void {
  expect(fn).toThrow(StoreError);
  try {
    fn();
  } catch (error) {
    expect((error as StoreError).kind).toBe(kind);
    expect((error as StoreError).message).toMatch(text);
  }
}

describe('SSH hosts in the store', () => {
  it('a version 3 database gains the host tables, keeping its deployments', () => {
    const path = join(dir, 'v3.db');
    const raw = new Database(path);
    for (const m of MIGRATIONS.slice(0, 3)) raw.exec(m);
    raw.pragma('user_version = 3');
    raw
      .prepare(
        `INSERT INTO deployments (id, target, document_name, outcome, applied_at, record)
         VALUES ('d1', 'local', 'x', 'confirmed', '2026-01-01T00:00:00Z', '{}')`,
      )
      .run();
    raw.close();
    const migrated = Store.open(path);
    expect(migrated.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(migrated.deployments('local')).toHaveLength(1);
    migrated.sshHosts.add(T);
    expect(migrated.sshHosts.list().map((h) => h.target)).toEqual([T]);
    migrated.close();
  });

  it('a new host is unverified: its offered keys are shown and none is used', () => {
    store.sshHosts.add(T);
    store.sshHosts.recordOffered(T, [ED(1), RSA]);
    expect(store.sshHosts.get(T)).toMatchObject({
      target: T,
      state: 'unverified',
      accepted: [],
      offered: [
        { type: 'ED25519', fingerprint: 'SHA256:ed1' },
        { type: 'RSA', fingerprint: 'SHA256:rsa1' },
      ],
    });
    expect(store.sshHosts.acceptedKeys(T)).toEqual([]);
  });

  it('accepting uses exactly the keys shown; a fingerprint the box did not offer is refused', () => {
    store.sshHosts.add(T);
    store.sshHosts.recordOffered(T, [ED(1)]);
    expectStoreError(
      () => store.sshHosts.accept(T, ['SHA256:other']),
      'conflict',
      /did not offer SHA256:other/,
    );
    expect(store.sshHosts.acceptedKeys(T)).toEqual([]);
    store.sshHosts.accept(T, ['SHA256:ed1']);
    expect(store.sshHosts.get(T)).toMatchObject({ state: 'accepted', offered: [] });
    expect(store.sshHosts.acceptedKeys(T)).toEqual([ED(1).publicKey]);
    // The same key seen again changes nothing.
    store.sshHosts.recordOffered(T, [ED(1)]);
    expect(store.sshHosts.get(T).state).toBe('accepted');
  });

  it('a changed key is kept apart until accepted explicitly, which replaces the old one', () => {
    store.sshHosts.add(T);
    store.sshHosts.recordOffered(T, [ED(1)]);
    store.sshHosts.accept(T, ['SHA256:ed1']);
    store.sshHosts.recordOffered(T, [ED(2)]);
    expect(store.sshHosts.get(T)).toMatchObject({
      state: 'changed',
      accepted: [{ fingerprint: 'SHA256:ed1' }],
      offered: [{ fingerprint: 'SHA256:ed2' }],
    });
    expect(store.sshHosts.acceptedKeys(T)).toEqual([ED(1).publicKey]);
    store.sshHosts.accept(T, ['SHA256:ed2']);
    expect(store.sshHosts.get(T)).toMatchObject({
      state: 'accepted',
      accepted: [{ fingerprint: 'SHA256:ed2' }],
    });
    expect(store.sshHosts.acceptedKeys(T)).toEqual([ED(2).publicKey]);
  });

  it('refuses a second copy of a host and names an unknown one; removing takes its keys', () => {
    store.sshHosts.add(T);
    expectStoreError(() => store.sshHosts.add(T), 'conflict', /in the list already/);
    expectStoreError(() => store.sshHosts.get('ssh:nobody'), 'not-found', /no SSH host ssh:nobody/);
    store.sshHosts.recordOffered(T, [ED(1)]);
    store.sshHosts.remove(T);
    expect(store.sshHosts.list()).toEqual([]);
    expect(store.db.prepare('SELECT count(*) AS n FROM ssh_host_keys').get()).toEqual({ n: 0 });
  });

  it('the schema refuses a target that is not ssh: and a fingerprint that is not SHA256', () => {
    expect(() =>
      store.db.prepare("INSERT INTO ssh_hosts (target, added_at) VALUES ('local', 'x')").run(),
    ).toThrow(/CHECK constraint/);
    store.sshHosts.add(T);
    expect(() =>
      store.sshHosts.recordOffered(T, [{ type: 'RSA', publicKey: 'ssh-rsa A', fingerprint: 'MD5:aa' }]),
    ).toThrow(/CHECK constraint/);
  });
});
