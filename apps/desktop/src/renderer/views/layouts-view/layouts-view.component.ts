// Layouts: the list with open, rename, duplicate, delete (confirmed), a layout's versions with a diff between
// any two, and import/export as text or file.

import { html, LitElement, nothing } from 'lit';
import { StoreController } from '../../controllers/store-controller';
import { layoutsContext } from '../../data/contexts';
import { layoutNameProblem } from '../../logic/draft-problems';
import { diffLines } from '../../logic/text-diff';
import { viewStyles } from '../../styles/layout';
import { baseStyles } from '../../styles/theme';
import { layoutsViewStyles } from './layouts-view.styles';

/** A rename or duplicate being typed: what the user is about to confirm. */
type Pending = { kind: 'rename' | 'duplicate'; from: string; to: string } | null;

export class LayoutsView extends LitElement {
  static override styles = [baseStyles, ...viewStyles, layoutsViewStyles];
  static override properties = {
    newName: { state: true },
    pending: { state: true },
    deleting: { state: true },
  };

  newName = '';
  pending: Pending = null;
  deleting: string | null = null;
  private readonly layouts = new StoreController(this, layoutsContext);

  private navigateToDesigner(opened: boolean): void {
    if (opened)
      this.dispatchEvent(new CustomEvent('navigate', { detail: 'designer', bubbles: true, composed: true }));
  }

  private async create(): Promise<void> {
    const opened = await this.layouts.value!.create(this.newName.trim());
    if (opened) this.newName = '';
    this.navigateToDesigner(opened);
  }

  private async finishPending(): Promise<void> {
    const p = this.pending;
    if (!p) return;
    const store = this.layouts.value!;
    const to = p.to.trim();
    const done = p.kind === 'rename' ? await store.rename(p.from, to) : await store.duplicate(p.from, to);
    if (done) this.pending = null;
  }

  private async confirmDelete(): Promise<void> {
    const name = this.deleting;
    if (!name) return;
    this.deleting = null;
    await this.layouts.value!.remove(name);
  }

  private async readFile(e: Event): Promise<void> {
    const file = (e.target as HTMLInputElement).files?.[0];
    if (file) this.layouts.value!.setImport(await file.text());
  }

  private download(text: string): void {
    const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = 'markwright-layout.json';
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  override render() {
    const store = this.layouts.value;
    if (!store) return nothing;
    const nameProblem = this.newName === '' ? null : layoutNameProblem(this.newName.trim());
    const nameOk = this.newName.trim() !== '' && nameProblem === null;
    return html`
      <div class="col">
        <div class="panel">
          <h2>Layouts</h2>
          <table data-testid="layout-list">
            <tr><th>name</th><th>version</th><th>fields</th><th>updated</th><th></th></tr>
            ${store.list.map(
              (
                l,
              ) => html`<tr data-testid="layout-row-${l.name}" class=${store.current.openLayout?.name === l.name ? 'open' : ''}>
                <td>${l.name}</td><td>v${l.currentVersion}</td><td>${l.fieldCount}</td>
                <td class="muted">${new Date(l.updatedAt).toLocaleString()}</td>
                <td class="actions">
                  <button data-testid="open-${l.name}" @click=${async () => this.navigateToDesigner(await store.current.open(l.name))}>Open</button>
                  <button data-testid="rename-${l.name}" @click=${() => {
                    this.pending = { kind: 'rename', from: l.name, to: l.name };
                  }}>Rename</button>
                  <button data-testid="duplicate-${l.name}" @click=${() => {
                    this.pending = { kind: 'duplicate', from: l.name, to: `${l.name}-copy` };
                  }}>Duplicate</button>
                  <button data-testid="versions-${l.name}" @click=${() => void store.showVersions(l.name)}>Versions</button>
                  <button data-testid="export-${l.name}" @click=${() => void store.exportLayout(l.name)}>Export</button>
                  <button class="danger" data-testid="delete-${l.name}" @click=${() => {
                    this.deleting = l.name;
                  }}>Delete</button>
                  ${store.deleteError?.name === l.name ? html`<div class="error" role="alert" data-testid="delete-error-${l.name}">${store.deleteError.message}</div>` : nothing}
                </td>
              </tr>`,
            )}
          </table>
          ${store.list.length === 0 ? html`<p class="muted" data-testid="no-layouts">No layouts yet.</p>` : nothing}
          ${this.renderPending()} ${this.renderDeleteDialog()}
          <div class="row spaced">
            <label for="new-name">New layout</label>
            <input id="new-name" type="text" data-testid="new-layout-name" placeholder="name" .value=${this.newName}
              aria-invalid=${nameProblem ? 'true' : 'false'}
              @input=${(e: Event) => {
                this.newName = (e.target as HTMLInputElement).value;
              }}
              @keydown=${(e: KeyboardEvent) => {
                if (e.key === 'Enter' && nameOk) void this.create();
              }} />
            <button class="primary" data-testid="create-layout" ?disabled=${!nameOk} @click=${() => void this.create()}>Create</button>
            ${nameProblem ? html`<span class="error" data-testid="new-layout-name-error">${nameProblem}</span>` : nothing}
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
            .value=${store.importText} @input=${(e: Event) => store.setImport((e.target as HTMLTextAreaElement).value)}></textarea>
          <div class="row">
            <input type="text" data-testid="import-name" aria-label="import as name (optional)" placeholder="name (optional)"
              .value=${store.importName} @input=${(e: Event) => store.setImport(store.importText, (e.target as HTMLInputElement).value)} />
            <button class="primary" data-testid="import" ?disabled=${store.importText.trim() === ''}
              @click=${async () => this.navigateToDesigner(await store.importDocument())}>Import</button>
          </div>
        </div>
        ${
          store.exportText
            ? html`<div class="panel">
                <h2>Export</h2>
                <textarea readonly data-testid="export-text" aria-label="exported document" .value=${store.exportText}></textarea>
                <div class="row"><button data-testid="download" @click=${() => this.download(store.exportText)}>Download</button></div>
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
    const store = this.layouts.value!;
    const shown = store.versions;
    if (!shown) return nothing;
    const options = (selected: number) =>
      shown.list.map(
        (v) => html`<option value=${v.version} ?selected=${v.version === selected}>v${v.version}</option>`,
      );
    const diff = shown.texts ? diffLines(shown.texts.before, shown.texts.after) : [];
    const pick = (side: 'from' | 'to') => (e: Event) =>
      void store.compare(side, Number((e.target as HTMLSelectElement).value));
    return html`<div class="panel" data-testid="versions">
      <h2>Versions of ${shown.name}</h2>
      <table>
        <tr><th>version</th><th>note</th><th>saved</th></tr>
        ${shown.list.map(
          (v) => html`<tr data-testid="version-${v.version}">
            <td>v${v.version}</td><td>${v.note ?? ''}</td><td class="muted">${new Date(v.createdAt).toLocaleString()}</td>
          </tr>`,
        )}
      </table>
      <div class="row spaced">
        <label for="diff-from">Diff</label>
        <select id="diff-from" data-testid="diff-from" @change=${pick('from')}>${options(shown.from)}</select>
        <label for="diff-to">to</label>
        <select id="diff-to" data-testid="diff-to" @change=${pick('to')}>${options(shown.to)}</select>
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
