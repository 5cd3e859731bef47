// Opening a database file safely: a file that is not a Markwright database, is damaged, or was written by a newer
// Markwright is refused with a clear error before anything is written to it.

import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { StoreError } from './errors';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations';

type Db = Database.Database;

/**
 * Electron runs a different ABI than Node, so the app's main process loads a better-sqlite3 binding built for
 * Electron (set-up builds it where Electron is installed) while the CLI and serve mode use the Node one.
 */
function bindingOptions(): Database.Options {
  const binding = process.env.MARKWRIGHT_SQLITE_BINDING;
  return binding ? { nativeBinding: binding } : {};
}

/** Reads the existing file without write access and refuses it if it cannot be ours. */
function inspectExisting(path: string): void {
  let db: Db | undefined;
  try {
    db = new Database(path, { ...bindingOptions(), readonly: true, fileMustExist: true });
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new StoreError(
        'newer-schema',
        `${path} has schema version ${version}, newer than this Markwright understands (${SCHEMA_VERSION}); ` +
          'upgrade Markwright or open another file with --db',
      );
    }
    const check = db.pragma('quick_check', { simple: true }) as string;
    if (check !== 'ok')
      throw new StoreError('damaged', `${path} is damaged (${check}); it was left untouched`);
    if (version === 0) {
      const tables = db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table'").get() as {
        n: number;
      };
      if (tables.n > 0) {
        throw new StoreError(
          'damaged',
          `${path} is an SQLite database of another program; it was left untouched`,
        );
      }
    }
  } catch (error) {
    if (error instanceof StoreError) throw error;
    const code = (error as { code?: string }).code ?? '';
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
      throw new StoreError(
        'damaged',
        `${path} is not a readable Markwright database (${code}); it was left untouched`,
      );
    }
    if (code === 'SQLITE_CANTOPEN') throw new StoreError('unwritable', `${path} cannot be opened (${code})`);
    throw error;
  } finally {
    db?.close();
  }
}

function migrate(db: Db): void {
  const from = db.pragma('user_version', { simple: true }) as number;
  for (let version = from + 1; version <= SCHEMA_VERSION; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version - 1]!);
      db.pragma(`user_version = ${version}`);
    }).immediate();
  }
}

/** Opens (creating when absent) a database at `path`, or `:memory:`, migrated to the current schema. */
export function openDatabase(path: string): Db {
  if (path !== ':memory:') {
    if (existsSync(path)) {
      // SQLite answers a directory with "disk I/O error": say what the path is instead.
      if (!statSync(path).isFile())
        throw new StoreError('unwritable', `${path} is not a regular file; give a database file with --db`);
      inspectExisting(path);
    } else {
      try {
        mkdirSync(dirname(path), { recursive: true });
      } catch (error) {
        throw new StoreError(
          'unwritable',
          `${path} cannot be created: its folder ${dirname(path)} cannot be made (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
        );
      }
    }
  }
  let db: Db;
  try {
    db = new Database(path, bindingOptions());
  } catch (error) {
    throw new StoreError('unwritable', `${path} cannot be opened: ${(error as Error).message}`);
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}
