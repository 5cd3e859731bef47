// The designer: both marks as strips, the selected field's inspector, conflicts with known consumers and the
// probed box, and the encode/decode bench. Saving is refused while any input has an error.

import { hex, parseU32 } from '@markwright/core';
import { html, LitElement, nothing } from 'lit';
import '../../components/bit-strip/bit-strip.component';
import '../../components/field-inspector/field-inspector.component';
import '../../components/mark-bench/mark-bench.component';
import { StoreController } from '../../controllers/store-controller';
import { type ClaimFilter, CONSUMER_CHOICES, knownClaims } from '../../data/known-claims';
import { type DraftField, newField } from '../../logic/draft';
import { problemList } from '../../logic/problem-list';
import { colorClassOf, type StripClaim } from '../../logic/strip-cells';
import { toStripFields } from '../../logic/strip-fields';
import { baseStyles, fieldColors } from '../../styles/theme';
import { designerViewStyles } from './designer-view.styles';

export class DesignerView extends LitElement {
  static override styles = [baseStyles, designerViewStyles, fieldColors];
  static override properties = { note: { state: true }, claimFilter: { state: true } };

  note = '';
  /** Which known consumers' bits the strips show. */
  claimFilter: ClaimFilter = 'all';
  private readonly ctl = new StoreController(this);

  private nextName(fields: readonly DraftField[]): string {
    let n = fields.length + 1;
    while (fields.some((f) => f.name === `field${n}`)) n++;
    return `field${n}`;
  }

  private create(space: 'fwmark' | 'connmark', mask: number): void {
    const store = this.ctl.store;
    if (!store?.draft) return;
    const field = newField(space, mask, this.nextName(store.draft.fields));
    store.edit((d) => d.fields.push(field));
    store.select(field.id);
  }

  /** Keyboard path to a new field: the lowest free bit of the mark. */
  private addFree(space: 'fwmark' | 'connmark'): void {
    const draft = this.ctl.store?.draft;
    if (!draft) return;
    const used = draft.fields.filter((f) => f.space === space).reduce((m, f) => m | f.mask, 0);
    for (let bit = 0; bit < 32; bit++) {
      if (((used >>> bit) & 1) === 0) {
        this.create(space, (1 << bit) >>> 0);
        return;
      }
    }
    this.ctl.store?.setStatus('error', `No free bit left in the ${space}`);
  }

  private patch(id: number, patch: Partial<DraftField>): void {
    this.ctl.store?.edit((d) => {
      const f = d.fields.find((x) => x.id === id);
      if (f) Object.assign(f, patch);
    });
  }

  private removeField(id: number): void {
    const store = this.ctl.store;
    store?.edit((d) => {
      d.fields = d.fields.filter((f) => f.id !== id);
    });
    store?.select(store.draft?.fields[0]?.id ?? null);
  }

  private liveClaims(space: 'fwmark' | 'connmark'): StripClaim[] {
    const probe = this.ctl.store?.probe;
    if (!probe) return [];
    const text = space === 'fwmark' ? probe.bitsInUse.fwmark : probe.bitsInUse.ctmark;
    try {
      const mask = parseU32(text, 'bitsInUse');
      return mask ? [{ label: `live on ${probe.target}`, mask }] : [];
    } catch {
      return [];
    }
  }

  override render() {
    const store = this.ctl.store;
    const draft = store?.draft;
    if (!store || !draft) {
      return html`<div class="empty panel" data-testid="designer-empty">
        <p>No layout is open. Open one from Layouts, or create a new one there.</p>
      </div>`;
    }
    const selected = draft.fields.find((f) => f.id === store.selectedFieldId) ?? null;
    const problems = store.problems;
    const problemCount =
      Object.keys(problems).length + (store.check?.valid === false ? store.check.errors.length : 0);
    const known = knownClaims(draft.fields, store.check, this.claimFilter);
    const state =
      problemCount > 0
        ? { cls: 'invalid', text: `${problemCount} problem${problemCount === 1 ? '' : 's'}: not saved` }
        : store.dirty || !store.openLayout
          ? { cls: '', text: 'Unsaved changes' }
          : { cls: 'saved', text: 'Saved' };
    return html`
      <div class="main">
        <div class="head panel">
          <label for="layout-name">Layout</label>
          <input id="layout-name" type="text" data-testid="layout-name" .value=${draft.name}
            aria-invalid=${problems.name ? 'true' : 'false'}
            @input=${(e: Event) =>
              store.edit((d) => {
                d.name = (e.target as HTMLInputElement).value;
              })} />
          <input type="text" data-testid="save-note" aria-label="version note" placeholder="version note (optional)"
            .value=${this.note} @input=${(e: Event) => {
              this.note = (e.target as HTMLInputElement).value;
            }} />
          <button class="primary" data-testid="save" ?disabled=${!store.canSave}
            @click=${async () => {
              if (await store.save(this.note.trim() || undefined)) this.note = '';
            }}>Save</button>
          <span class="state ${state.cls}" data-testid="save-state" role="status">${state.text}</span>
          ${store.openLayout ? html`<span class="muted" data-testid="open-version">v${store.openLayout.version}</span>` : nothing}
          ${problems.name ? html`<span class="error" data-testid="layout-name-error">${problems.name}</span>` : nothing}
        </div>
        ${this.renderStrip('fwmark', 'fwmark: packet mark (skb->mark)', draft.fields, known)}
        ${this.renderStrip('connmark', 'connmark: conntrack mark (ct mark)', draft.fields, known)}
        <div class="chips" role="list" aria-label="fields">
          ${draft.fields.map(
            (
              f,
              i,
            ) => html`<button role="listitem" class="chip ${colorClassOf(i)}" data-testid="field-chip-${f.name}"
              aria-pressed=${f.id === store.selectedFieldId ? 'true' : 'false'}
              @click=${() => store.select(f.id)}>${f.name || '(unnamed)'} <span class="mono">${hex(f.mask)}</span></button>`,
          )}
        </div>
        ${this.renderConflicts()}
        <div class="panel">
          <h2>Encode / decode</h2>
          <mw-mark-bench .fields=${draft.fields}></mw-mark-bench>
        </div>
      </div>
      <div class="side">
        <div class="panel">
          <h2>Field</h2>
          <mw-field-inspector .field=${selected} .problems=${problems}
            @field-update=${(e: CustomEvent<{ id: number; patch: Partial<DraftField> }>) => this.patch(e.detail.id, e.detail.patch)}
            @field-delete=${(e: CustomEvent<{ id: number }>) => this.removeField(e.detail.id)}></mw-field-inspector>
        </div>
        ${this.renderProblems()} ${this.renderServerErrors()}
      </div>
    `;
  }

  private renderStrip(
    space: 'fwmark' | 'connmark',
    title: string,
    fields: readonly DraftField[],
    known: ReturnType<typeof knownClaims>,
  ) {
    const store = this.ctl.store!;
    return html`<div class="panel">
      <div class="strip-head">
        <h2>${title}</h2>
        <button data-testid="add-${space}" @click=${() => this.addFree(space)}>Add field</button>
      </div>
      <mw-bit-strip mode="edit" .space=${space} .label=${title} .fields=${toStripFields(fields, space)}
        .selectedId=${store.selectedFieldId} .knownClaims=${known[space]} .liveClaims=${this.liveClaims(space)}
        @field-select=${(e: CustomEvent<{ id: number }>) => store.select(e.detail.id)}
        @field-create=${(e: CustomEvent<{ mask: number }>) => this.create(space, e.detail.mask)}
        @field-change=${(e: CustomEvent<{ id: number; mask: number }>) => this.patch(e.detail.id, { mask: e.detail.mask })}
      ></mw-bit-strip>
    </div>`;
  }

  private renderConflicts() {
    const check = this.ctl.store?.check;
    const conflicts = check?.conflicts ?? [];
    return html`<div class="panel" data-testid="conflicts">
      <div class="strip-head">
        <h2>Conflicts</h2>
        <label class="muted"
          >Known consumers on the strips
          <select data-testid="claim-filter" @change=${(e: Event) => {
            this.claimFilter = (e.target as HTMLSelectElement).value;
          }}>
            <option value="all" ?selected=${this.claimFilter === 'all'}>all</option>
            <option value="conflicts" ?selected=${this.claimFilter === 'conflicts'}>in conflict only</option>
            <option value="none" ?selected=${this.claimFilter === 'none'}>none</option>
            ${CONSUMER_CHOICES.map((c) => html`<option value=${c.id} ?selected=${this.claimFilter === c.id}>${c.name}</option>`)}
          </select></label
        >
      </div>
      ${
        !check
          ? html`<p class="muted">Checked once the layout has no errors.</p>`
          : conflicts.length === 0
            ? html`<p class="muted" data-testid="no-conflicts">No known consumer or live rule uses these bits.</p>`
            : html`<ul class="conflicts">
                ${conflicts.map(
                  (c) => html`<li data-testid="conflict-${c.field}-${c.consumer}">
                    <b>${c.field}</b> ↔ <b>${c.consumer}</b> on <span class="mono">${c.bits}</span>
                    <span class="sev">${c.severity}</span> <span class="muted">(${c.source})</span>
                    ${c.detail ? html`<div class="muted detail" title=${c.detail}>${c.detail}</div>` : nothing}
                  </li>`,
                )}
              </ul>`
      }
    </div>`;
  }

  private renderProblems() {
    const store = this.ctl.store!;
    const items = store.draft ? problemList(store.draft, store.problems) : [];
    if (items.length === 0) return nothing;
    return html`<div class="panel" data-testid="problems">
      <h2>Problems</h2>
      <ul class="problems">
        ${items.map(
          (p) => html`<li data-testid="problem-${p.key}">
            <button class="link" @click=${() => this.goTo(p.view, p.fieldId)}>${p.where}</button>
            <span class="error">${p.message}</span>
          </li>`,
        )}
      </ul>
    </div>`;
  }

  private goTo(view: 'designer' | 'policy', fieldId: number | null): void {
    if (fieldId !== null) this.ctl.store?.select(fieldId);
    if (view !== 'designer')
      this.dispatchEvent(new CustomEvent('navigate', { detail: view, bubbles: true, composed: true }));
  }

  private renderServerErrors() {
    const check = this.ctl.store?.check;
    if (!check || check.valid || check.errors.length === 0) return nothing;
    return html`<div class="panel" data-testid="check-errors">
      <h2>Check</h2>
      ${check.errors.map((e) => html`<div class="error"><span class="mono">${e.field}</span>: ${e.message}</div>`)}
    </div>`;
  }
}

customElements.define('mw-designer-view', DesignerView);

declare global {
  interface HTMLElementTagNameMap {
    'mw-designer-view': DesignerView;
  }
}
