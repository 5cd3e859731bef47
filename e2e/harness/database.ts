// Reads the app's SQLite file from outside the app (the sqlite3 shell, read-only), so a flow can show that a
// refused edit wrote nothing: the full SQL dump's hash and every table's row count, before and after.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';

function sqlite(dbPath: string, sql: string): string {
  const result = spawnSync('sqlite3', ['-readonly', dbPath, sql], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`sqlite3 ${dbPath} "${sql}" failed: ${result.stderr.trim()}`);
  return result.stdout;
}

export interface DatabaseSnapshot {
  /** sha256 of `.dump`: any row written, changed or removed changes it. */
  readonly dumpHash: string;
  readonly rows: Readonly<Record<string, number>>;
}

export function snapshotDatabase(dbPath: string): DatabaseSnapshot {
  const tables = sqlite(dbPath, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    .split('\n')
    .filter((name) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(name));
  const rows: Record<string, number> = {};
  for (const table of tables) rows[table] = Number(sqlite(dbPath, `SELECT count(*) FROM "${table}"`).trim());
  const dumpHash = createHash('sha256').update(sqlite(dbPath, '.dump')).digest('hex');
  return { dumpHash, rows };
}

/** Rows of one query as tab-separated lines (for checks such as the versions a layout has). */
export function queryRows(dbPath: string, sql: string): string[] {
  return sqlite(dbPath, sql)
    .split('\n')
    .filter((line) => line.length > 0);
}

export const hasSqliteShell = (): boolean =>
  spawnSync('sqlite3', ['-version'], { encoding: 'utf8' }).status === 0;
