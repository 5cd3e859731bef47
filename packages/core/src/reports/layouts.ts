// JSON shapes of the app's layout library (what the API returns and the app's views show).

/** A `markwright/1` document as JSON (what import/export and the store hold). */
export type DocumentJson = Record<string, unknown>;

export interface LayoutSummary {
  readonly id: number;
  readonly name: string;
  readonly currentVersion: number;
  readonly updatedAt: string;
  readonly fieldCount: number;
}

export interface LayoutVersionSummary {
  readonly version: number;
  readonly note: string | null;
  readonly createdAt: string;
}

export interface LayoutVersion extends LayoutVersionSummary {
  readonly name: string;
  readonly document: DocumentJson;
}

/** A layout version as the text a file would hold. */
export interface ExportedDocument {
  readonly text: string;
}

export interface AuditEntry {
  readonly id: number;
  readonly at: string;
  readonly action: string;
  readonly subject: string;
  readonly detail: string | null;
}
