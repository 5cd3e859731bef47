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
];

/** The schema version this build writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;
