import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { DeploymentRecord } from '@markwright/core';
import Database from 'better-sqlite3';
import { build } from 'esbuild';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreError } from './errors';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations';
import { defaultDatabasePath } from './paths';
import { Store } from './store';

const doc = (name: string, extra: Record<string, unknown> = {}) => ({
  format: 'markwright/1',
  name,
  ...extra,
});

let dir: string;
let dbPath: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mw-store-'));
  dbPath = join(dir, 'sub', 'markwright.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function expectStoreError(fn: () => unknown, kind: StoreError['kind'], text: RegExp): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).kind).toBe(kind);
    expect((error as StoreError).message).toMatch(text);
    return;
  }
  throw new Error('expected a StoreError');
}

describe('schema', () => {
  it('creates the file with WAL, foreign keys and the current user_version', () => {
    const store = Store.open(dbPath);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(store.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    store.close();
    const again = Store.open(dbPath);
    expect(again.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    again.close();
  });

  it('migrates an empty existing file (user_version 0) and keeps what it holds across reopening', () => {
    writeFileSync(join(dir, 'empty.db'), '');
    const store = Store.open(join(dir, 'empty.db'));
    expect(store.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    store.createLayout('kept', { document: doc('kept'), fieldCount: 0 });
    store.close();
    const again = Store.open(join(dir, 'empty.db'));
    expect(again.listLayouts().map((l) => l.name)).toEqual(['kept']);
    again.close();
  });

  it('takes a version 1 database to the current schema, keeping its deployments and adding layout targets', () => {
    const path = join(dir, 'v1.db');
    const raw = new Database(path);
    raw.exec(MIGRATIONS[0]!);
    raw.pragma('user_version = 1');
    raw
      .prepare(
        `INSERT INTO deployments (id, target, layout_name, layout_version, document_name, outcome, applied_at, record)
         VALUES ('d1', 'netns:r', 'old', 1, 'old', 'confirmed', '2026-01-01T00:00:00Z', '{}')`,
      )
      .run();
    raw.close();
    const store = Store.open(path);
    expect(store.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(store.liveDeployments()).toEqual([
      { target: 'netns:r', id: 'd1', layoutName: 'old', layoutVersion: 1 },
    ]);
    expect(store.deploymentSources('netns:r').get('d1')).toMatchObject({ by: null, purpose: null });
    store.createLayout('old', { document: doc('old'), fieldCount: 0 });
    store.setLayoutTarget('old', 'netns:r');
    expect(store.layoutTarget('old')).toBe('netns:r');
    store.close();
  });

  it('defaults to $XDG_DATA_HOME, else ~/.local/share', () => {
    expect(defaultDatabasePath({ XDG_DATA_HOME: '/x/data' }, '/home/a')).toBe(
      '/x/data/markwright/markwright.db',
    );
    expect(defaultDatabasePath({}, '/home/a')).toBe('/home/a/.local/share/markwright/markwright.db');
    expect(defaultDatabasePath({ XDG_DATA_HOME: 'relative' }, '/home/a')).toBe(
      '/home/a/.local/share/markwright/markwright.db',
    );
  });
});

describe('layouts and versions', () => {
  let store: Store;
  beforeEach(() => {
    store = Store.open(dbPath);
  });
  afterEach(() => store.close());

  it('creates, versions, lists, renames, duplicates and deletes', () => {
    const created = store.createLayout('edge', { document: doc('edge'), fieldCount: 2, note: 'first' });
    expect(created).toMatchObject({ name: 'edge', currentVersion: 1, fieldCount: 2 });
    const saved = store.saveVersion('edge', { document: doc('edge', { description: 'v2' }), fieldCount: 3 });
    expect(saved).toMatchObject({ currentVersion: 2, fieldCount: 3 });
    expect(store.listVersions('edge').map((v) => [v.version, v.note])).toEqual([
      [2, null],
      [1, 'first'],
    ]);
    expect(store.getVersion('edge', 1).document).toEqual(doc('edge'));
    expect(store.getVersion('edge').document).toEqual(doc('edge', { description: 'v2' }));
    store.renameLayout('edge', 'core');
    expect(store.hasLayout('edge')).toBe(false);
    expect(store.getVersion('core', 2).version).toBe(2);
    const copy = store.duplicateLayout('core', 'core copy');
    expect(copy).toMatchObject({ name: 'core copy', currentVersion: 1, fieldCount: 3 });
    expect(store.getVersion('core copy').document).toEqual(doc('edge', { description: 'v2' }));
    expect(store.listLayouts().map((l) => l.name)).toEqual(['core', 'core copy']);
    store.deleteLayout('core');
    expect(store.listLayouts().map((l) => l.name)).toEqual(['core copy']);
    expect(store.db.prepare('SELECT count(*) AS n FROM layout_versions').get()).toEqual({ n: 1 });
    expect(store.auditLog().map((a) => a.action)).toEqual([
      'layout.delete',
      'layout.duplicate',
      'layout.create',
      'layout.rename',
      'layout.save',
      'layout.create',
    ]);
  });

  it('refuses a duplicate name on create, rename and duplicate, changing nothing', () => {
    store.createLayout('a', { document: doc('a'), fieldCount: 0 });
    store.createLayout('b', { document: doc('b'), fieldCount: 0 });
    const audits = store.auditLog().length;
    expectStoreError(
      () => store.createLayout('a', { document: doc('a'), fieldCount: 0 }),
      'conflict',
      /"a" already/,
    );
    expectStoreError(() => store.renameLayout('b', 'a'), 'conflict', /"a" already exists/);
    expectStoreError(() => store.duplicateLayout('b', 'a'), 'conflict', /"a" already exists/);
    expect(store.listLayouts().map((l) => l.name)).toEqual(['a', 'b']);
    expect(store.auditLog().length).toBe(audits);
  });

  it('names what is missing', () => {
    expectStoreError(() => store.getVersion('nope'), 'not-found', /no layout named "nope"/);
    store.createLayout('a', { document: doc('a'), fieldCount: 0 });
    expectStoreError(() => store.getVersion('a', 7), 'not-found', /"a" has no version 7/);
    expectStoreError(
      () => store.saveVersion('zz', { document: doc('zz'), fieldCount: 0 }),
      'not-found',
      /"zz"/,
    );
  });

  it('keeps versions immutable and rejects rows the schema forbids', () => {
    store.createLayout('a', { document: doc('a'), fieldCount: 0 });
    expect(() => store.db.prepare('UPDATE layout_versions SET note = ?').run('changed')).toThrow(/immutable/);
    expect(() =>
      store.db.prepare("INSERT INTO layout_versions VALUES (999, 1, '{}', 0, NULL, 'now')").run(),
    ).toThrow(/FOREIGN KEY/);
    expect(() =>
      store.db.prepare("INSERT INTO layout_versions VALUES (1, 2, 'not json', 0, NULL, 'now')").run(),
    ).toThrow(/CHECK/);
  });

  it('mirrors deployments, updating outcomes in place and logging each change once', () => {
    const record: DeploymentRecord = {
      id: 'd1',
      target: 'netns:r',
      document: 'x',
      documentName: 'edge',
      appliedAt: '2026-01-01T00:00:00.000Z',
      outcome: 'pending',
      confirmedAt: null,
      endedAt: null,
      previousId: null,
      state: { nftScript: '', ipRules: { v4: [], v6: [] }, tcFilters: [] },
      message: null,
    };
    store.recordDeployment(record, { layoutName: 'edge', layoutVersion: 1, plan: { changes: [] } });
    store.recordDeployment(record);
    store.recordDeployment({ ...record, outcome: 'confirmed', confirmedAt: '2026-01-01T00:00:05.000Z' });
    expect(store.deployments('netns:r')).toEqual([
      { ...record, outcome: 'confirmed', confirmedAt: '2026-01-01T00:00:05.000Z' },
    ]);
    expect(store.db.prepare('SELECT layout_name, layout_version, plan FROM deployments').get()).toEqual({
      layout_name: 'edge',
      layout_version: 1,
      plan: '{"changes":[]}',
    });
    expect(store.deploymentTargets()).toEqual(['netns:r']);
    expect(store.auditLog().map((a) => a.action)).toEqual(['deployment.confirmed', 'deployment.pending']);
  });
});

describe('files that are not ours', () => {
  it('names a directory given as the database, instead of SQLite\'s "disk I/O error"', () => {
    const path = join(dir, 'a-folder.db');
    mkdirSync(path);
    expectStoreError(() => Store.open(path), 'unwritable', /a-folder\.db is not a regular file/);
  });

  it('names the path whose folder cannot be made (a file stands where the folder should be)', () => {
    writeFileSync(join(dir, 'plain'), 'x');
    expectStoreError(
      () => Store.open(join(dir, 'plain', 'app.db')),
      'unwritable',
      /plain\/app\.db cannot be created: its folder .*plain cannot be made \(EEXIST\)/,
    );
  });

  it('refuses a damaged file and leaves it byte-identical', () => {
    const path = join(dir, 'damaged.db');
    const store = Store.open(path);
    for (let i = 0; i < 50; i++) store.createLayout(`l${i}`, { document: doc(`l${i}`), fieldCount: 0 });
    store.close();
    const bytes = readFileSync(path);
    bytes.fill(0x5a, 4096, 8192); // a page of the b-tree overwritten
    writeFileSync(path, bytes);
    expectStoreError(() => Store.open(path), 'damaged', /damaged|not a readable/);
    expect(readFileSync(path).equals(bytes)).toBe(true);
  });

  it('refuses a file that is not SQLite at all', () => {
    const path = join(dir, 'text.db');
    writeFileSync(path, 'hello, this is not a database'.repeat(100));
    const before = readFileSync(path);
    expectStoreError(() => Store.open(path), 'damaged', /not a readable Markwright database/);
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('refuses a newer schema and leaves it byte-identical', () => {
    const path = join(dir, 'newer.db');
    const raw = new Database(path);
    raw.exec('CREATE TABLE future (x)');
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    const before = readFileSync(path);
    expectStoreError(
      () => Store.open(path),
      'newer-schema',
      new RegExp(`schema version ${SCHEMA_VERSION + 1}, newer than .* \\(${SCHEMA_VERSION}\\)`),
    );
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('moves a version 1 database to the live-check outcomes, keeping its deployments', () => {
    const path = join(dir, 'v1.db');
    const raw = new Database(path);
    raw.exec(MIGRATIONS[0]!);
    raw.pragma('user_version = 1');
    raw
      .prepare(
        `INSERT INTO deployments (id, target, document_name, outcome, applied_at, record)
         VALUES ('d1', 'local', 'edge', 'confirmed', '2026-01-01T00:00:00Z', '{}')`,
      )
      .run();
    raw.close();
    const store = Store.open(path);
    const rows = () => store.db.prepare('SELECT id, outcome FROM deployments ORDER BY id').all();
    expect(rows()).toEqual([{ id: 'd1', outcome: 'confirmed' }]);
    store.db
      .prepare(
        `INSERT INTO deployments (id, target, document_name, outcome, applied_at, record)
         VALUES ('d2', 'local', 'edge', 'reverted-by-verification', '2026-01-01T00:01:00Z', '{}')`,
      )
      .run();
    expect(rows()).toEqual([
      { id: 'd1', outcome: 'confirmed' },
      { id: 'd2', outcome: 'reverted-by-verification' },
    ]);
    store.close();
  });

  it("refuses another program's SQLite database", () => {
    const path = join(dir, 'other.db');
    const raw = new Database(path);
    raw.exec('CREATE TABLE contacts (name)');
    raw.close();
    const before = readFileSync(path);
    expectStoreError(() => Store.open(path), 'damaged', /another program/);
    expect(readFileSync(path).equals(before)).toBe(true);
  });
});

describe('crash safety', () => {
  it('a writer killed with SIGKILL mid-transaction leaves a consistent database with the last commit', async () => {
    const script = join(dir, 'crash-writer.cjs');
    await build({
      entryPoints: [resolve(import.meta.dirname, '../testing/crash-writer.ts')],
      outfile: script,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      external: ['better-sqlite3'],
      logLevel: 'error',
    });
    // The bundle lives in a temp folder; NODE_PATH lets its require() find this package's better-sqlite3.
    const child = spawn(process.execPath, [script, dbPath], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, NODE_PATH: resolve(import.meta.dirname, '../../node_modules') },
    });
    let out = '';
    await new Promise<void>((done, fail) => {
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('writing')) {
          child.kill('SIGKILL');
          done();
        }
      });
      child.on('exit', (code) => fail(new Error(`writer exited early with ${code}: ${out}`)));
    });
    await new Promise((done) => child.on('close', done));
    expect(child.signalCode).toBe('SIGKILL');
    const store = Store.open(dbPath);
    expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(store.listLayouts().map((l) => l.name)).toEqual(['committed']);
    expect(store.getVersion('committed').document).toEqual(doc('committed'));
    store.close();
  });
});
