// The app's database: named layouts with immutable versions, deployments mirrored from the host's history, and
// an audit log. Every write is one transaction; documents arrive already validated (the service checks them).

import type {
  AuditEntry,
  DeploymentRecord,
  DocumentJson,
  LayoutSummary,
  LayoutVersion,
  LayoutVersionSummary,
} from '@markwright/core';
import type Database from 'better-sqlite3';
import { StoreError } from './errors';
import { openDatabase } from './open';
import { SshHostStore } from './ssh-hosts';

export interface NewVersion {
  readonly document: DocumentJson;
  readonly fieldCount: number;
  readonly note?: string | undefined;
}

/** Where a mirrored deployment came from in the store, beside the host's own record. */
export interface DeploymentOrigin {
  readonly layoutName?: string;
  readonly layoutVersion?: number;
  readonly plan?: unknown;
  /** Who deployed it (the user the app runs as). */
  readonly by?: string;
  /** Why, when it is not a plain apply (e.g. `rollback to ID`). */
  readonly purpose?: string;
}

/** What the app knows of one mirrored deployment beyond the host's record. */
export interface DeploymentSource {
  readonly layoutName: string | null;
  readonly layoutVersion: number | null;
  readonly note: string | null;
  readonly by: string | null;
  readonly purpose: string | null;
}

/** A deployment whose state is on its target now (the latest pending, confirmed or verified one there). */
export interface LiveDeployment {
  readonly target: string;
  readonly id: string;
  readonly layoutName: string | null;
  readonly layoutVersion: number | null;
}

interface LayoutRow {
  id: number;
  name: string;
  current_version: number;
  updated_at: string;
  field_count: number;
}

interface VersionRow {
  version: number;
  note: string | null;
  created_at: string;
}

const SUMMARY_SQL = `
  SELECT l.id, l.name, l.current_version, l.updated_at, v.field_count
  FROM layouts l JOIN layout_versions v ON v.layout_id = l.id AND v.version = l.current_version`;

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE';
}

export class Store {
  private constructor(
    readonly db: Database.Database,
    private readonly now: () => Date,
  ) {}

  /** Opens `path` (`:memory:` for a private in-memory store); see openDatabase for what is refused. */
  static open(path: string, options: { now?: () => Date } = {}): Store {
    return new Store(openDatabase(path), options.now ?? (() => new Date()));
  }

  close(): void {
    this.db.close();
  }

  /** The SSH hosts the user added, with their host keys. */
  get sshHosts(): SshHostStore {
    return new SshHostStore(this.db, this.now);
  }

  private readonly statements = new Map<string, Database.Statement>();

  /** Prepared once per SQL text: preparing costs more than running these small statements. */
  private sql(text: string): Database.Statement {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  private stamp(): string {
    return this.now().toISOString();
  }

  private summary(row: LayoutRow): LayoutSummary {
    return {
      id: row.id,
      name: row.name,
      currentVersion: row.current_version,
      updatedAt: row.updated_at,
      fieldCount: row.field_count,
    };
  }

  private layoutRow(name: string): LayoutRow {
    const row = this.sql(`${SUMMARY_SQL} WHERE l.name = ?`).get(name) as LayoutRow | undefined;
    if (!row) throw new StoreError('not-found', `no layout named ${JSON.stringify(name)}`);
    return row;
  }

  private audit(action: string, subject: string, detail: string | null = null): void {
    this.sql('INSERT INTO audit_log (at, action, subject, detail) VALUES (?, ?, ?, ?)').run(
      this.stamp(),
      action,
      subject,
      detail,
    );
  }

  private insertVersion(layoutId: number, version: number, input: NewVersion, at: string): void {
    this.sql(
      'INSERT INTO layout_versions (layout_id, version, document, field_count, note, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(layoutId, version, JSON.stringify(input.document), input.fieldCount, input.note ?? null, at);
  }

  listLayouts(): LayoutSummary[] {
    return (this.sql(`${SUMMARY_SQL} ORDER BY l.name`).all() as LayoutRow[]).map((r) => this.summary(r));
  }

  hasVersion(name: string, version: number): boolean {
    return (
      this.sql(
        'SELECT 1 FROM layout_versions v JOIN layouts l ON l.id = v.layout_id WHERE l.name = ? AND v.version = ?',
      ).get(name, version) !== undefined
    );
  }

  hasLayout(name: string): boolean {
    return this.sql('SELECT 1 FROM layouts WHERE name = ?').get(name) !== undefined;
  }

  createLayout(name: string, first: NewVersion): LayoutSummary {
    return this.db
      .transaction(() => {
        const at = this.stamp();
        let id: number;
        try {
          id = Number(
            this.sql(
              'INSERT INTO layouts (name, current_version, created_at, updated_at) VALUES (?, 1, ?, ?)',
            ).run(name, at, at).lastInsertRowid,
          );
        } catch (error) {
          if (isUniqueViolation(error)) {
            throw new StoreError('conflict', `a layout named ${JSON.stringify(name)} already exists`);
          }
          throw error;
        }
        this.insertVersion(id, 1, first, at);
        this.audit('layout.create', name, first.note ?? null);
        return this.summary(this.layoutRow(name));
      })
      .immediate();
  }

  /** Appends a new version and makes it current. */
  saveVersion(name: string, next: NewVersion): LayoutSummary {
    return this.db
      .transaction(() => {
        const row = this.layoutRow(name);
        const at = this.stamp();
        const version = row.current_version + 1;
        this.insertVersion(row.id, version, next, at);
        this.sql('UPDATE layouts SET current_version = ?, updated_at = ? WHERE id = ?').run(
          version,
          at,
          row.id,
        );
        this.audit('layout.save', name, `version ${version}${next.note ? `: ${next.note}` : ''}`);
        return this.summary(this.layoutRow(name));
      })
      .immediate();
  }

  renameLayout(from: string, to: string): LayoutSummary {
    return this.db
      .transaction(() => {
        const row = this.layoutRow(from);
        try {
          this.sql('UPDATE layouts SET name = ?, updated_at = ? WHERE id = ?').run(to, this.stamp(), row.id);
        } catch (error) {
          if (isUniqueViolation(error)) {
            throw new StoreError('conflict', `a layout named ${JSON.stringify(to)} already exists`);
          }
          throw error;
        }
        this.audit('layout.rename', to, `from ${from}`);
        return this.summary(this.layoutRow(to));
      })
      .immediate();
  }

  /** A new layout whose first version is the source's current document. */
  duplicateLayout(from: string, to: string): LayoutSummary {
    return this.db
      .transaction(() => {
        const source = this.getVersion(from);
        const summary = this.createLayout(to, {
          document: source.document,
          fieldCount: this.layoutRow(from).field_count,
          note: `copy of ${from} version ${source.version}`,
        });
        this.audit('layout.duplicate', to, `from ${from}`);
        return summary;
      })
      .immediate();
  }

  deleteLayout(name: string): void {
    this.db
      .transaction(() => {
        const row = this.layoutRow(name);
        this.sql('DELETE FROM layouts WHERE id = ?').run(row.id);
        this.audit('layout.delete', name, `had ${row.current_version} version(s)`);
      })
      .immediate();
  }

  listVersions(name: string): LayoutVersionSummary[] {
    const row = this.layoutRow(name);
    const rows = this.sql(
      'SELECT version, note, created_at FROM layout_versions WHERE layout_id = ? ORDER BY version DESC',
    ).all(row.id) as VersionRow[];
    return rows.map((r) => ({ version: r.version, note: r.note, createdAt: r.created_at }));
  }

  /** One version (the current one when `version` is absent). */
  getVersion(name: string, version?: number): LayoutVersion {
    const row = this.layoutRow(name);
    const wanted = version ?? row.current_version;
    const found = this.sql(
      'SELECT version, note, created_at, document FROM layout_versions WHERE layout_id = ? AND version = ?',
    ).get(row.id, wanted) as (VersionRow & { document: string }) | undefined;
    if (!found) throw new StoreError('not-found', `layout ${JSON.stringify(name)} has no version ${wanted}`);
    return {
      name: row.name,
      version: found.version,
      note: found.note,
      createdAt: found.created_at,
      document: JSON.parse(found.document) as DocumentJson,
    };
  }

  /** Inserts or updates the mirror of one host deployment record (the host's history stays authoritative). */
  recordDeployment(record: DeploymentRecord, origin: DeploymentOrigin = {}): void {
    this.db
      .transaction(() => {
        const known = this.sql('SELECT outcome FROM deployments WHERE id = ?').get(record.id) as
          | { outcome: string }
          | undefined;
        this.sql(
          `INSERT INTO deployments (id, target, layout_name, layout_version, document_name, outcome, applied_at,
               confirmed_at, ended_at, previous_id, plan, record, applied_by, purpose)
             VALUES (@id, @target, @layoutName, @layoutVersion, @documentName, @outcome, @appliedAt, @confirmedAt,
               @endedAt, @previousId, @plan, @record, @by, @purpose)
             ON CONFLICT (id) DO UPDATE SET outcome = excluded.outcome, confirmed_at = excluded.confirmed_at,
               ended_at = excluded.ended_at, record = excluded.record,
               layout_name = coalesce(deployments.layout_name, excluded.layout_name),
               layout_version = coalesce(deployments.layout_version, excluded.layout_version),
               plan = coalesce(deployments.plan, excluded.plan),
               applied_by = coalesce(deployments.applied_by, excluded.applied_by),
               purpose = coalesce(deployments.purpose, excluded.purpose)`,
        ).run({
          id: record.id,
          target: record.target,
          layoutName: origin.layoutName ?? null,
          layoutVersion: origin.layoutVersion ?? null,
          documentName: record.documentName,
          outcome: record.outcome,
          appliedAt: record.appliedAt,
          confirmedAt: record.confirmedAt,
          endedAt: record.endedAt,
          previousId: record.previousId,
          plan: origin.plan === undefined ? null : JSON.stringify(origin.plan),
          record: JSON.stringify(record),
          by: origin.by ?? null,
          purpose: origin.purpose ?? null,
        });
        if (known?.outcome !== record.outcome) {
          this.audit(`deployment.${record.outcome}`, record.target, `${record.id} (${record.documentName})`);
        }
      })
      .immediate();
  }

  deployments(target: string): DeploymentRecord[] {
    const rows = this.sql(
      'SELECT record FROM deployments WHERE target = ? ORDER BY applied_at DESC, rowid DESC',
    ).all(target) as { record: string }[];
    return rows.map((r) => JSON.parse(r.record) as DeploymentRecord);
  }

  /** Targets deployed to before, most recent first. */
  deploymentTargets(): string[] {
    const rows = this.sql(
      'SELECT target FROM deployments GROUP BY target ORDER BY max(applied_at) DESC',
    ).all() as { target: string }[];
    return rows.map((r) => r.target);
  }

  /** Where each of the target's mirrored deployments came from, by deployment id. */
  deploymentSources(target: string): Map<string, DeploymentSource> {
    const rows = this.sql(
      `SELECT d.id, d.layout_name, d.layout_version, d.applied_by, d.purpose, v.note
       FROM deployments d
       LEFT JOIN layouts l ON l.name = d.layout_name
       LEFT JOIN layout_versions v ON v.layout_id = l.id AND v.version = d.layout_version
       WHERE d.target = ?`,
    ).all(target) as {
      id: string;
      layout_name: string | null;
      layout_version: number | null;
      applied_by: string | null;
      purpose: string | null;
      note: string | null;
    }[];
    return new Map(
      rows.map((r) => [
        r.id,
        {
          layoutName: r.layout_name,
          layoutVersion: r.layout_version,
          note: r.note,
          by: r.applied_by,
          purpose: r.purpose,
        },
      ]),
    );
  }

  /** Per target, the deployment live there as far as the mirror knows (the latest pending or confirmed one). */
  liveDeployments(): LiveDeployment[] {
    const rows = this.sql(
      `SELECT target, id, layout_name, layout_version FROM (
         SELECT target, id, layout_name, layout_version,
           row_number() OVER (PARTITION BY target ORDER BY applied_at DESC, rowid DESC) AS n
         FROM deployments WHERE outcome IN ('pending', 'confirmed', 'verified'))
       WHERE n = 1 ORDER BY target`,
    ).all() as { target: string; id: string; layout_name: string | null; layout_version: number | null }[];
    return rows.map((r) => ({
      target: r.target,
      id: r.id,
      layoutName: r.layout_name,
      layoutVersion: r.layout_version,
    }));
  }

  /** The target chosen for a layout, or null before one was chosen. */
  layoutTarget(name: string): string | null {
    const row = this.sql(
      'SELECT t.target FROM layout_targets t JOIN layouts l ON l.id = t.layout_id WHERE l.name = ?',
    ).get(name) as { target: string } | undefined;
    if (!row) this.layoutRow(name);
    return row?.target ?? null;
  }

  setLayoutTarget(name: string, target: string): void {
    this.db
      .transaction(() => {
        const row = this.layoutRow(name);
        this.sql(
          `INSERT INTO layout_targets (layout_id, target, chosen_at) VALUES (?, ?, ?)
           ON CONFLICT (layout_id) DO UPDATE SET target = excluded.target, chosen_at = excluded.chosen_at`,
        ).run(row.id, target, this.stamp());
      })
      .immediate();
  }

  recordAudit(action: string, subject: string, detail: string | null = null): void {
    this.db.transaction(() => this.audit(action, subject, detail)).immediate();
  }

  auditLog(limit = 200): AuditEntry[] {
    return this.sql('SELECT id, at, action, subject, detail FROM audit_log ORDER BY id DESC LIMIT ?').all(
      limit,
    ) as AuditEntry[];
  }
}
