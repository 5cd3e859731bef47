// Numbered schema migrations. Migration N takes a database at user_version N-1 to N; never edit a published one,
// append a new one instead (databases in the field are at every earlier version).

export const MIGRATIONS: readonly string[] = [
  // 1: layouts with immutable versions, deployments mirrored from the host's history, the audit log.
  `
  CREATE TABLE layouts (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    current_version INTEGER NOT NULL CHECK (current_version >= 1),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE TABLE layout_versions (
    layout_id INTEGER NOT NULL REFERENCES layouts(id) ON DELETE CASCADE,
    version INTEGER NOT NULL CHECK (version >= 1),
    document TEXT NOT NULL CHECK (json_valid(document)),
    field_count INTEGER NOT NULL CHECK (field_count >= 0),
    note TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (layout_id, version)
  ) WITHOUT ROWID;
  -- A saved version is history: it may disappear with its layout, never change.
  CREATE TRIGGER layout_versions_immutable BEFORE UPDATE ON layout_versions
  BEGIN
    SELECT RAISE(ABORT, 'layout versions are immutable');
  END;
  CREATE TABLE deployments (
    id TEXT PRIMARY KEY,
    target TEXT NOT NULL,
    layout_name TEXT,
    layout_version INTEGER,
    document_name TEXT NOT NULL,
    outcome TEXT NOT NULL
      CHECK (outcome IN ('pending', 'confirmed', 'reverted', 'rolled-back', 'failed', 'superseded')),
    applied_at TEXT NOT NULL,
    confirmed_at TEXT,
    ended_at TEXT,
    previous_id TEXT,
    plan TEXT CHECK (plan IS NULL OR json_valid(plan)),
    record TEXT NOT NULL CHECK (json_valid(record))
  );
  CREATE INDEX deployments_by_target ON deployments (target, applied_at);
  CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT
  );
  `,
  // 2: the target each layout deploys to (chosen once, remembered), and who made a deployment and why.
  `
  CREATE TABLE layout_targets (
    layout_id INTEGER PRIMARY KEY REFERENCES layouts(id) ON DELETE CASCADE,
    target TEXT NOT NULL,
    chosen_at TEXT NOT NULL
  );
  ALTER TABLE deployments ADD COLUMN applied_by TEXT;
  ALTER TABLE deployments ADD COLUMN purpose TEXT;
  `,
  // 3: the outcomes of the live check after a change (kept as verified, reverted by the check). SQLite cannot
  // change a CHECK constraint, so the table is copied into one that allows them.
  `
  CREATE TABLE deployments_v2 (
    id TEXT PRIMARY KEY,
    target TEXT NOT NULL,
    layout_name TEXT,
    layout_version INTEGER,
    document_name TEXT NOT NULL,
    outcome TEXT NOT NULL
      CHECK (outcome IN ('pending', 'confirmed', 'verified', 'reverted', 'reverted-by-verification',
                         'rolled-back', 'failed', 'superseded')),
    applied_at TEXT NOT NULL,
    confirmed_at TEXT,
    ended_at TEXT,
    previous_id TEXT,
    plan TEXT CHECK (plan IS NULL OR json_valid(plan)),
    record TEXT NOT NULL CHECK (json_valid(record)),
    applied_by TEXT,
    purpose TEXT
  );
  INSERT INTO deployments_v2 SELECT id, target, layout_name, layout_version, document_name, outcome, applied_at,
    confirmed_at, ended_at, previous_id, plan, record, applied_by, purpose FROM deployments;
  DROP TABLE deployments;
  ALTER TABLE deployments_v2 RENAME TO deployments;
  CREATE INDEX deployments_by_target ON deployments (target, applied_at);
  `,
  // 4: SSH hosts the user added, and their host keys: offered on contact, used only once accepted. No secret
  // is kept (no password, no private key): a public key and its SHA256 fingerprint identify the box.
  `
  CREATE TABLE ssh_hosts (
    id INTEGER PRIMARY KEY,
    target TEXT NOT NULL UNIQUE CHECK (target LIKE 'ssh:%'),
    added_at TEXT NOT NULL
  );
  CREATE TABLE ssh_host_keys (
    host_id INTEGER NOT NULL REFERENCES ssh_hosts(id) ON DELETE CASCADE,
    key_type TEXT NOT NULL,
    public_key TEXT NOT NULL,
    fingerprint TEXT NOT NULL CHECK (fingerprint LIKE 'SHA256:%'),
    seen_at TEXT NOT NULL,
    accepted_at TEXT,
    PRIMARY KEY (host_id, key_type, public_key)
  ) WITHOUT ROWID;
  `,
];

/** The schema version this build writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;
