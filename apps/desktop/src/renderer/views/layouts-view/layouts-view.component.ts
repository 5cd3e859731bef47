// Layouts: the list with open, rename, duplicate, delete (confirmed), a layout's versions with a diff between
// any two, and import/export as text or file.

import type { LayoutVersionSummary } from '@markwright/api';
import { html, LitElement, nothing } from 'lit';
import { StoreController } from '../../controllers/store-controller';
import { diffLines } from '../../logic/text-diff';
import { baseStyles } from '../../styles/theme';
import { layoutsViewStyles } from './layouts-view.styles';

type Pending = { kind: 'rename' | 'duplicate'; from: string; to: string } | null;

export class LayoutsView extends LitElement {
  static override styles = [baseStyles, layoutsViewStyles];
  static override properties = {
    newName: { state: true },
    pending: { state: true },
    deleting: { state: true },
    versionsOf: { state: true },
    versions: { state: true },
    diffFrom: { state: true },
    diffTo: { state: true },
    diffText: { state: true },
    importText: { state: true },
    importName: { state: true },
    exportText: { state: true },
  };

  newName = '';
  pending: Pending = null;
  deleting: string | null = null;
  versionsOf: string | null = null;
  versions: LayoutVersionSummary[] = [];
  diffFrom = 0;
  diffTo = 0;
  diffText: { before: string; after: string } | null = null;
  importText = '';
  importName = '';
  exportText = '';
  private readonly ctl = new StoreController(this);

  private get store() {
    return this.ctl.store!;
  }

  private open(name: string): void {
    void this.store.open(name).then((ok) => {
      if (ok)
        this.dispatchEvent(
          new CustomEvent('navigate', { detail: 'designer', bubbles: true, composed: true }),
        );
    });
  }

  private async create(): Promise<void> {
    const name = this.newName.trim();
    const store = this.store;
    const made = await store.run('Creating', () =>
      store.api.createLayout({
        name,
        document: {
          format: 'markwright/1',
          name,
          layout: { fields: [] },
          policy: { rules: [], routes: [], classes: [] },
        },
      }),
    );
    if (!made) return;
    this.newName = '';
    await store.refreshLayouts();
    this.open(made.name);
  }

  private async finishPending(): Promise<void> {
    const p = this.pending;
    if (!p) return;
    const store = this.store;
    const input = { from: p.from, to: p.to.trim() };
    const done = await store.run(p.kind === 'rename' ? 'Renaming' : 'Duplicating', () =>
      p.kind === 'rename' ? store.api.renameLayout(input) : store.api.duplicateLayout(input),
    );
    if (!done) return;
    this.pending = null;
    if (p.kind === 'rename' && store.openLayout?.name === p.from) await store.open(done.name);
    await store.refreshLayouts();
    store.setStatus(
      'ok',
      p.kind === 'rename' ? `Renamed ${p.from} to ${done.name}` : `Duplicated ${p.from} as ${done.name}`,
    );
  }

  private async confirmDelete(): Promise<void> {
    const name = this.deleting;
    if (!name) return;
    const store = this.store;
    const result = await store.run('Deleting', async () => {
      await store.api.deleteLayout({ name });
      return true;
    });
    this.deleting = null;
    if (!result) return;
    if (store.openLayout?.name === name) {
      store.draft = null;
      store.openLayout = null;
    }
    if (this.versionsOf === name) this.versionsOf = null;
    await store.refreshLayouts();
    store.setStatus('ok', `Deleted ${name}`);
  }

  private async showVersions(name: string): Promise<void> {
    const list = await this.store.run('Listing versions', () => this.store.api.listVersions({ name }));
    if (!list) return;
    this.versionsOf = name;
    this.versions = list;
    const newest = list.reduce((m, v) => Math.max(m, v.version), 0);
    this.diffTo = newest;
    this.diffFrom = Math.max(1, newest - 1);
    await this.loadDiff();
  }

  private async loadDiff(): Promise<void> {
    const name = this.versionsOf;
    if (!name || !this.diffFrom || !this.diffTo) return;
    const store = this.store;
    const pair = await store.run('Reading versions', () =>
      Promise.all([
        store.api.getVersion({ name, version: this.diffFrom }),
        store.api.getVersion({ name, version: this.diffTo }),
      ]),
    );
    if (!pair) return;
    this.diffText = {
      before: JSON.stringify(pair[0].document, null, 2),
      after: JSON.stringify(pair[1].document, null, 2),
    };
  }

  private async doImport(): Promise<void> {
    const store = this.store;
    const name = this.importName.trim();
    const made = await store.run('Importing', () =>
      store.api.importDocument(name ? { text: this.importText, name } : { text: this.importText }),
    );
    if (!made) return;
    this.importText = '';
    await store.refreshLayouts();
    store.setStatus('ok', `Imported ${made.name} v${made.currentVersion}`);
    this.open(made.name);
  }

  private async doExport(name: string): Promise<void> {
    const out = await this.store.run('Exporting', () => this.store.api.exportDocument({ name }));
    if (out) this.exportText = out.text;
  }

  private async readFile(e: Event): Promise<void> {
    const file = (e.target as HTMLInputElement).files?.[0];
    if (file) this.importText = await file.text();
  }

  private download(): void {
    const url = URL.createObjectURL(new Blob([this.exportText], { type: 'application/json' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = 'markwright-layout.json';
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  override render() {
    const store = this.ctl.store;
    if (!store) return nothing;
    const nameOk = /^[a-z][a-z0-9_-]{0,31}$/.test(this.newName.trim());
    return html`
      <div class="col">
        <div class="panel">
          <h2>Layouts</h2>
          <table data-testid="layout-list">
            <tr><th>name</th><th>version</th><th>fields</th><th>updated</th><th></th></tr>
            ${store.layouts.map(
              (
                l,
              ) => html`<tr data-testid="layout-row-${l.name}" class=${store.openLayout?.name === l.name ? 'open' : ''}>
                <td>${l.name}</td><td>v${l.currentVersion}</td><td>${l.fieldCount}</td>
                <td class="muted">${new Date(l.updatedAt).toLocaleString()}</td>
                <td class="actions">
                  <button data-testid="open-${l.name}" @click=${() => this.open(l.name)}>Open</button>
                  <button data-testid="rename-${l.name}" @click=${() => {
                    this.pending = { kind: 'rename', from: l.name, to: l.name };
                  }}>Rename</button>
                  <button data-testid="duplicate-${l.name}" @click=${() => {
                    this.pending = { kind: 'duplicate', from: l.name, to: `${l.name}-copy` };
                  }}>Duplicate</button>
                  <button data-testid="versions-${l.name}" @click=${() => void this.showVersions(l.name)}>Versions</button>
                  <button data-testid="export-${l.name}" @click=${() => void this.doExport(l.name)}>Export</button>
                  <button class="danger" data-testid="delete-${l.name}" @click=${() => {
                    this.deleting = l.name;
                  }}>Delete</button>
                </td>
              </tr>`,
            )}
          </table>
          ${store.layouts.length === 0 ? html`<p class="muted" data-testid="no-layouts">No layouts yet.</p>` : nothing}
          ${this.renderPending()} ${this.renderDeleteDialog()}
          <div class="row spaced">
            <label for="new-name">New layout</label>
            <input id="new-name" type="text" data-testid="new-layout-name" placeholder="name" .value=${this.newName}
              aria-invalid=${this.newName && !nameOk ? 'true' : 'false'}
              @input=${(e: Event) => {
                this.newName = (e.target as HTMLInputElement).value;
              }}
              @keydown=${(e: KeyboardEvent) => {
                if (e.key === 'Enter' && nameOk) void this.create();
              }} />
            <button class="primary" data-testid="create-layout" ?disabled=${!nameOk} @click=${() => void this.create()}>Create</button>
            ${this.newName && !nameOk ? html`<span class="error" data-testid="new-layout-name-error">a name starts with a-z and uses a-z, 0-9, _ and - (at most 32)</span>` : nothing}
          </div>
        </div>
        ${this.renderVersions()}
      </div>
      <div class="col">
        <div class="panel">
          <h2>Import</h2>
          <div class="row">
            <input type="file" accept=".json,application/json" data-testid="import-file" aria-label="document file"
              @change=${(e: Event) => void this.readFile(e)} />
          </div>
          <textarea data-testid="import-text" aria-label="document text" placeholder='{"format":"markwright/1", ...}'
            .value=${this.importText} @input=${(e: Event) => {
              this.importText = (e.target as HTMLTextAreaElement).value;
            }}></textarea>
          <div class="row">
            <input type="text" data-testid="import-name" aria-label="import as name (optional)" placeholder="name (optional)"
              .value=${this.importName} @input=${(e: Event) => {
                this.importName = (e.target as HTMLInputElement).value;
              }} />
            <button class="primary" data-testid="import" ?disabled=${this.importText.trim() === ''} @click=${() => void this.doImport()}>Import</button>
          </div>
        </div>
        ${
          this.exportText
            ? html`<div class="panel">
                <h2>Export</h2>
                <textarea readonly data-testid="export-text" aria-label="exported document">${this.exportText}</textarea>
                <div class="row"><button data-testid="download" @click=${() => this.download()}>Download</button></div>
              </div>`
            : nothing
        }
      </div>
    `;
  }

  private renderPending() {
    const p = this.pending;
    if (!p) return nothing;
    return html`<div class="row spaced" data-testid="pending-${p.kind}">
      <label for="pending-to">${p.kind === 'rename' ? 'Rename' : 'Duplicate'} ${p.from} to</label>
      <input id="pending-to" type="text" data-testid="pending-to" .value=${p.to}
        @input=${(e: Event) => {
          this.pending = { ...p, to: (e.target as HTMLInputElement).value };
        }} />
      <button class="primary" data-testid="pending-confirm" @click=${() => void this.finishPending()}>OK</button>
      <button data-testid="pending-cancel" @click=${() => {
        this.pending = null;
      }}>Cancel</button>
    </div>`;
  }

  private renderVersions() {
    if (!this.versionsOf) return nothing;
    const options = (selected: number) =>
      this.versions.map(
        (v) => html`<option value=${v.version} ?selected=${v.version === selected}>v${v.version}</option>`,
      );
    const diff = this.diffText ? diffLines(this.diffText.before, this.diffText.after) : [];
    return html`<div class="panel" data-testid="versions">
      <h2>Versions of ${this.versionsOf}</h2>
      <table>
        <tr><th>version</th><th>note</th><th>saved</th></tr>
        ${this.versions.map(
          (v) => html`<tr data-testid="version-${v.version}">
            <td>v${v.version}</td><td>${v.note ?? ''}</td><td class="muted">${new Date(v.createdAt).toLocaleString()}</td>
          </tr>`,
        )}
      </table>
      <div class="row spaced">
        <label for="diff-from">Diff</label>
        <select id="diff-from" data-testid="diff-from" @change=${(e: Event) => {
          this.diffFrom = Number((e.target as HTMLSelectElement).value);
          void this.loadDiff();
        }}>${options(this.diffFrom)}</select>
        <label for="diff-to">to</label>
        <select id="diff-to" data-testid="diff-to" @change=${(e: Event) => {
          this.diffTo = Number((e.target as HTMLSelectElement).value);
          void this.loadDiff();
        }}>${options(this.diffTo)}</select>
      </div>
      <pre class="diff" data-testid="version-diff">${diff.map(
        (l) =>
          html`<div class=${l.kind}>${l.kind === 'add' ? '+ ' : l.kind === 'remove' ? '- ' : '  '}${l.text}</div>`,
      )}</pre>
    </div>`;
  }

  private renderDeleteDialog() {
    if (!this.deleting) return nothing;
    return html`<div class="panel" role="alertdialog" aria-labelledby="del-title" data-testid="confirm-delete">
      <h2 id="del-title">Delete ${this.deleting} and all its versions?</h2>
      <div class="row">
        <button class="danger" data-testid="confirm-delete-yes" @click=${() => void this.confirmDelete()}>Delete</button>
        <button data-testid="confirm-delete-no" @click=${() => {
          this.deleting = null;
        }}>Cancel</button>
      </div>
    </div>`;
  }
}

customElements.define('mw-layouts-view', LayoutsView);

declare global {
  interface HTMLElementTagNameMap {
    'mw-layouts-view': LayoutsView;
  }
}
