// The layouts library: the list, create, rename, duplicate, delete, a layout's versions with the diff between two
// of them, and import/export as text. It owns the open layout (`current`), which it opens, renames and closes
// along with the list.

import type { LayoutSummary, LayoutVersionSummary, MarkwrightApi } from '@markwright/api';
import type { ActivityStore } from '../activity/activity-store';
import { DataStore } from '../data-store';
import { DraftStore, type LayoutLibrary } from '../draft/draft-store';

export interface VersionsShown {
  readonly name: string;
  readonly list: readonly LayoutVersionSummary[];
  readonly from: number;
  readonly to: number;
  /** Both versions as pretty JSON, once read. */
  readonly texts: { readonly before: string; readonly after: string } | null;
}

const emptyDocument = (name: string) => ({
  format: 'markwright/1',
  name,
  layout: { fields: [] },
  policy: { rules: [], routes: [], classes: [] },
});

export class LayoutsStore extends DataStore implements LayoutLibrary {
  list: LayoutSummary[] = [];
  versions: VersionsShown | null = null;
  importText = '';
  importName = '';
  exportText = '';
  /** Why deleting a layout was refused (e.g. it is live on a target), shown on its row until the next try. */
  deleteError: { readonly name: string; readonly message: string } | null = null;
  /** The open layout, edited in the designer and the policy view. */
  readonly current: DraftStore;

  constructor(
    private readonly api: MarkwrightApi,
    private readonly activity: ActivityStore,
  ) {
    super();
    this.current = new DraftStore(api, activity, this);
  }

  has(name: string): boolean {
    return this.list.some((l) => l.name === name);
  }

  async refresh(): Promise<void> {
    const list = await this.activity.run('Listing layouts', () => this.api.listLayouts());
    if (!list) return;
    this.list = list;
    this.notify();
  }

  /** The first list, and the first layout opened when nothing is open yet. */
  async start(): Promise<void> {
    await this.refresh();
    const first = this.list[0];
    if (first && !this.current.draft) await this.current.open(first.name);
  }

  /** Creates an empty layout and opens it. */
  async create(name: string): Promise<boolean> {
    const made = await this.activity.run('Creating', () =>
      this.api.createLayout({ name, document: emptyDocument(name) }),
    );
    if (!made) return false;
    await this.refresh();
    return this.current.open(made.name);
  }

  async rename(from: string, to: string): Promise<boolean> {
    const done = await this.activity.run('Renaming', () => this.api.renameLayout({ from, to }));
    if (!done) return false;
    if (this.current.openLayout?.name === from) await this.current.open(done.name);
    await this.refresh();
    this.activity.setStatus('ok', `Renamed ${from} to ${done.name}`);
    return true;
  }

  async duplicate(from: string, to: string): Promise<boolean> {
    const done = await this.activity.run('Duplicating', () => this.api.duplicateLayout({ from, to }));
    if (!done) return false;
    await this.refresh();
    this.activity.setStatus('ok', `Duplicated ${from} as ${done.name}`);
    return true;
  }

  async remove(name: string): Promise<boolean> {
    const done = await this.activity.attempt('Deleting', () => this.api.deleteLayout({ name }));
    this.deleteError = done.ok ? null : { name, message: done.message };
    this.notify();
    if (!done.ok) return false;
    if (this.current.openLayout?.name === name) this.current.close();
    if (this.versions?.name === name) this.versions = null;
    await this.refresh();
    this.activity.setStatus('ok', `Deleted ${name}`);
    return true;
  }

  /** A layout's versions, with the newest compared to the one before. */
  async showVersions(name: string): Promise<void> {
    const list = await this.activity.run('Listing versions', () => this.api.listVersions({ name }));
    if (!list) return;
    const newest = list.reduce((m, v) => Math.max(m, v.version), 0);
    this.versions = { name, list, from: Math.max(1, newest - 1), to: newest, texts: null };
    this.notify();
    await this.loadDiff();
  }

  async compare(side: 'from' | 'to', version: number): Promise<void> {
    if (!this.versions) return;
    this.versions = { ...this.versions, [side]: version };
    this.notify();
    await this.loadDiff();
  }

  private async loadDiff(): Promise<void> {
    const shown = this.versions;
    if (!shown || shown.from === 0 || shown.to === 0) return;
    const pair = await this.activity.run('Reading versions', () =>
      Promise.all([
        this.api.getVersion({ name: shown.name, version: shown.from }),
        this.api.getVersion({ name: shown.name, version: shown.to }),
      ]),
    );
    // A later choice (or another layout's versions) replaced what this call was reading.
    if (!pair || this.versions !== shown) return;
    const texts = {
      before: JSON.stringify(pair[0].document, null, 2),
      after: JSON.stringify(pair[1].document, null, 2),
    };
    this.versions = { ...shown, texts };
    this.notify();
  }

  setImport(text: string, name = this.importName): void {
    this.importText = text;
    this.importName = name;
    this.notify();
  }

  /** Imports the text (as a new layout or a new version of the one it names) and opens it. */
  async importDocument(): Promise<boolean> {
    const name = this.importName.trim();
    const text = this.importText;
    const made = await this.activity.run('Importing', () =>
      this.api.importDocument(name ? { text, name } : { text }),
    );
    if (!made) return false;
    this.importText = '';
    await this.refresh();
    this.activity.setStatus('ok', `Imported ${made.name} v${made.currentVersion}`);
    return this.current.open(made.name);
  }

  async exportLayout(name: string): Promise<void> {
    const out = await this.activity.run('Exporting', () => this.api.exportDocument({ name }));
    if (!out) return;
    this.exportText = out.text;
    this.notify();
  }
}
