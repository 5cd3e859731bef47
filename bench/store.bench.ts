// 10,000 layout versions saved and listed through the app's store, against plain better-sqlite3 inserts of the
// same rows (one transaction for all, and one per row as the store does) measured in the same run.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createBackend } from '@markwright/app-backend/backend';
import { Store } from '@markwright/app-backend/store';
import { checkDocument, serializeDocument } from '@markwright/core';

type Database = import('better-sqlite3').Database;
const BetterSqlite = createRequire(resolve(import.meta.dirname, '../packages/app-backend/package.json'))(
  'better-sqlite3',
) as typeof import('better-sqlite3');

const VERSIONS = 10_000;
const SERVICE_SAVES = 1_000;
const root = resolve(import.meta.dirname, '..');
const example = JSON.parse(readFileSync(join(root, 'examples/edge-router.json'), 'utf8')) as unknown;
const checked = checkDocument(example);
if (!checked.document) throw new Error('examples/edge-router.json does not check');
const canonical = serializeDocument(checked.document);
const documentText = JSON.stringify(canonical);
const fieldCount = checked.document.layout.fields.length;
const dir = mkdtempSync(join(tmpdir(), 'mw-store-bench-'));

function ms(since: number): number {
  return performance.now() - since;
}

function plainDatabase(name: string): Database {
  const db = new BetterSqlite(join(dir, name));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(
    'CREATE TABLE v (layout_id INTEGER, version INTEGER, document TEXT, field_count INTEGER, note TEXT, created_at TEXT, PRIMARY KEY (layout_id, version)) WITHOUT ROWID',
  );
  return db;
}

function baselineOneTransaction(): number {
  const db = plainDatabase('plain-one.db');
  const insert = db.prepare('INSERT INTO v VALUES (1, ?, ?, ?, NULL, ?)');
  const start = performance.now();
  db.transaction(() => {
    for (let i = 1; i <= VERSIONS; i++) insert.run(i, documentText, fieldCount, new Date().toISOString());
  })();
  const took = ms(start);
  db.close();
  return took;
}

function baselinePerRow(): number {
  const db = plainDatabase('plain-each.db');
  const insert = db.prepare('INSERT INTO v VALUES (1, ?, ?, ?, NULL, ?)');
  const start = performance.now();
  for (let i = 1; i <= VERSIONS; i++) insert.run(i, documentText, fieldCount, new Date().toISOString());
  const took = ms(start);
  db.close();
  return took;
}

function storeSaves(): { save: number; listVersions: number; listLayouts: number; getOne: number } {
  const store = Store.open(join(dir, 'store.db'));
  const start = performance.now();
  store.createLayout('bench', { document: canonical, fieldCount });
  for (let i = 2; i <= VERSIONS; i++) store.saveVersion('bench', { document: canonical, fieldCount });
  const save = ms(start);
  for (let i = 0; i < 99; i++) store.createLayout(`other-${i}`, { document: canonical, fieldCount });
  let t = performance.now();
  const versions = store.listVersions('bench');
  const listVersions = ms(t);
  if (versions.length !== VERSIONS) throw new Error(`listed ${versions.length} versions`);
  t = performance.now();
  const layouts = store.listLayouts();
  const listLayouts = ms(t);
  if (layouts.length !== 100) throw new Error(`listed ${layouts.length} layouts`);
  t = performance.now();
  store.getVersion('bench', 5000);
  const getOne = ms(t);
  store.close();
  return { save, listVersions, listLayouts, getOne };
}

async function serviceSaves(): Promise<number> {
  const backend = createBackend({
    dbPath: join(dir, 'service.db'),
    host: {} as never, // saving never reaches the host
  });
  await backend.service.createLayout({ name: 'bench', document: canonical });
  const start = performance.now();
  for (let i = 1; i < SERVICE_SAVES; i++)
    await backend.service.saveLayout({ name: 'bench', document: canonical });
  const took = ms(start);
  backend.close();
  return took;
}

function plainList(): number {
  const db = new BetterSqlite(join(dir, 'plain-one.db'));
  const start = performance.now();
  const rows = db
    .prepare('SELECT version, note, created_at FROM v WHERE layout_id = 1 ORDER BY version DESC')
    .all();
  const took = ms(start);
  if (rows.length !== VERSIONS) throw new Error('baseline list size');
  db.close();
  return took;
}

try {
  const oneTx = baselineOneTransaction();
  const perRow = baselinePerRow();
  const store = storeSaves();
  const listBaseline = plainList();
  const service = await serviceSaves();
  const perSave = (store.save / VERSIONS) * 1000;
  const f = (n: number) => n.toFixed(1);
  console.log(
    `document: examples/edge-router.json, ${documentText.length} bytes canonical; ${VERSIONS} versions`,
  );
  console.log(
    `baseline  plain inserts, one transaction:   ${f(oneTx)} ms total, ${f((oneTx / VERSIONS) * 1000)} us/row`,
  );
  console.log(
    `baseline  plain inserts, one per row:        ${f(perRow)} ms total, ${f((perRow / VERSIONS) * 1000)} us/row`,
  );
  console.log(
    `store     saveVersion (own transaction+audit): ${f(store.save)} ms total, ${f(perSave)} us/save`,
  );
  console.log(
    `          ratio vs one transaction: ${(store.save / oneTx).toFixed(2)}x; vs one per row: ${(store.save / perRow).toFixed(2)}x`,
  );
  console.log(
    `service   saveLayout (validate+canonicalise+save): ${f((service / (SERVICE_SAVES - 1)) * 1000)} us/save over ${SERVICE_SAVES - 1}`,
  );
  console.log(
    `list      ${VERSIONS} versions: store ${f(store.listVersions)} ms, plain SELECT ${f(listBaseline)} ms, ratio ${(store.listVersions / listBaseline).toFixed(2)}x`,
  );
  console.log(
    `list      100 layouts: ${f(store.listLayouts)} ms; one version of ${VERSIONS}: ${f(store.getOne)} ms`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
