// The designer: both marks as strips, the selected field's inspector, conflicts with known consumers and the
// probed box, and the encode/decode bench. Saving is refused while any input has an error.

import { type Conflict, hex } from '@markwright/core';
import { html, LitElement, nothing } from 'lit';
import '../../components/bit-strip/bit-strip.component';
import '../../components/field-inspector/field-inspector.component';
import '../../components/label-panel/label-panel.component';
import type { LabelPatch } from '../../components/label-panel/label-panel.component';
import '../../components/mark-bench/mark-bench.component';
import '../../components/suggest-panel/suggest-panel.component';
import { lintFindingStyles, lintFindings } from '../../components/lint-findings/lint-findings';
import { StoreController } from '../../controllers/store-controller';
import { deployContext, draftContext, lintContext } from '../../data/contexts';
import { type ClaimFilter, CONSUMER_CHOICES, knownClaims, probedClaims } from '../../data/known-claims';
import { type ConflictGroup, conflictView } from '../../logic/conflict-groups';
import type { DraftField } from '../../logic/draft';
import { problemList } from '../../logic/problem-list';
import { colorClassOf } from '../../logic/strip-cells';
import { toStripFields } from '../../logic/strip-fields';
import { viewStyles } from '../../styles/layout';
import { baseStyles, fieldColors } from '../../styles/theme';
import { designerViewStyles } from './designer-view.styles';

export class DesignerView extends LitElement {
  static override styles = [baseStyles, ...viewStyles, designerViewStyles, fieldColors, lintFindingStyles];
  static override properties = { claimFilter: { state: true } };

  /** Which known consumers' bits the strips show. */
  claimFilter: ClaimFilter = 'all';
  private readonly layout = new StoreController(this, draftContext);
  private readonly deploy = new StoreController(this, deployContext);
  private readonly lint = new StoreController(this, lintContext);

  override render() {
    const store = this.layout.value;
    const draft = store?.draft;
    if (!store || !draft) {
      return html`<div class="empty panel" data-testid="designer-empty">
        <p>No layout is open. Open one from Layouts, or create a new one there.</p>
      </div>`;
    }
    const selected = draft.fields.find((f) => f.id === store.selectedFieldId) ?? null;
    const problems = store.problems;
    const known = knownClaims(draft.fields, store.check, this.claimFilter);
    const state = store.saveState;
    return html`
      <div class="col">
        <div class="head panel">
          <label for="layout-name">Layout</label>
          <input id="layout-name" type="text" data-testid="layout-name" .value=${draft.name}
            aria-invalid=${problems.name ? 'true' : 'false'}
            @input=${(e: Event) => store.rename((e.target as HTMLInputElement).value)} />
          <input type="text" data-testid="save-note" aria-label="version note" placeholder="version note (optional)"
            .value=${store.note} @input=${(e: Event) => store.setNote((e.target as HTMLInputElement).value)} />
          <button class="primary" data-testid="save" ?disabled=${!store.canSave}
            @click=${() => void store.save()}>Save</button>
          <span class="state ${state.tone}" data-testid="save-state" role="status">${state.text}</span>
          ${store.openLayout ? html`<span class="muted" data-testid="open-version">v${store.openLayout.version}</span>` : nothing}
          ${problems.name ? html`<span class="error" data-testid="layout-name-error">${problems.name}</span>` : nothing}
        </div>
        ${this.renderStrip('fwmark', 'fwmark: packet mark (skb->mark)', draft.fields, known)}
        ${this.renderStrip('connmark', 'connmark: conntrack mark (ct mark)', draft.fields, known)}
        <div class="panel" data-testid="labels">
          <mw-label-panel .labels=${draft.labels} .problems=${problems}
            @label-add=${() => store.addLabel()}
            @label-update=${(e: CustomEvent<{ id: number; patch: LabelPatch }>) => store.patchLabel(e.detail.id, e.detail.patch)}
            @label-remove=${(e: CustomEvent<{ id: number }>) => store.removeLabel(e.detail.id)}></mw-label-panel>
        </div>
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
        ${this.renderLint(draft.fields)}
        ${this.renderConflicts()}
        ${this.renderSuggest()}
        <div class="panel">
          <h2>Encode / decode</h2>
          <mw-mark-bench .fields=${draft.fields}></mw-mark-bench>
        </div>
      </div>
      <div class="col">
        <div class="panel">
          <h2>Field</h2>
          <mw-field-inspector .field=${selected} .problems=${problems}
            @field-update=${(e: CustomEvent<{ id: number; patch: Partial<DraftField> }>) => store.patchField(e.detail.id, e.detail.patch)}
            @field-delete=${(e: CustomEvent<{ id: number }>) => store.removeField(e.detail.id)}></mw-field-inspector>
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
    const store = this.layout.value!;
    const probe = this.deploy.value?.probe ?? null;
    return html`<div class="panel">
      <div class="strip-head">
        <h2>${title}</h2>
        <button data-testid="add-${space}" @click=${() => store.addFieldOnFreeBit(space)}>Add field</button>
      </div>
      <mw-bit-strip mode="edit" .space=${space} .label=${title} .fields=${toStripFields(fields, space)}
        .selectedId=${store.selectedFieldId} .knownClaims=${known[space]} .liveClaims=${probedClaims(probe, space)}
        @field-select=${(e: CustomEvent<{ id: number }>) => store.select(e.detail.id)}
        @field-create=${(e: CustomEvent<{ mask: number }>) => store.addField(space, e.detail.mask)}
        @field-change=${(e: CustomEvent<{ id: number; mask: number }>) => store.patchField(e.detail.id, { mask: e.detail.mask })}
      ></mw-bit-strip>
    </div>`;
  }

  /** The design run through the simulator: findings beside the field or rule they are about. */
  private renderLint(fields: readonly DraftField[]) {
    const lint = this.lint.value;
    const draft = this.layout.value?.draft;
    if (!lint || !draft || lint.findings.length === 0) return nothing;
    const rows = [
      ...fields.map((f, i) => ({
        what: `field ${f.name}`,
        id: `field-${f.name}`,
        path: `layout.fields[${i}]`,
      })),
      ...draft.rules.map((r, i) => ({ what: `rule ${r.name}`, id: `rule-${i}`, path: `policy.rules[${i}]` })),
      ...draft.routes.map((r, i) => ({
        what: `route to table ${r.table}`,
        id: `route-${i}`,
        path: `policy.routes[${i}]`,
      })),
    ];
    return html`<div class="panel" data-testid="lint">
      <h2>Design lint</h2>
      ${rows.map((row) => {
        const found = lint.at(row.path);
        return found.length === 0
          ? nothing
          : html`<div><strong>${row.what}</strong>${lintFindings(found, `lint-${row.id}`)}</div>`;
      })}
    </div>`;
  }

  private renderConflicts() {
    const check = this.layout.value?.check;
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
            : this.renderConflictList(conflicts)
      }
    </div>`;
  }

  /** Free bits, priorities and tables on the target chosen on Deploy; a proposal becomes a field or a route. */
  private renderSuggest() {
    const store = this.layout.value!;
    const deploy = this.deploy.value;
    if (!deploy) return nothing;
    return html`<div class="panel" data-testid="suggest-panel">
      <mw-suggest-panel .report=${deploy.suggestion} .target=${deploy.target} ?busy=${store.busy}
        @suggest-request=${(e: CustomEvent<{ width: number }>) => void deploy.suggest(e.detail.width)}
        @use-bits=${(e: CustomEvent<{ space: 'fwmark' | 'connmark'; mask: number; persist: boolean }>) =>
          store.addField(e.detail.space, e.detail.mask, e.detail.persist)}
        @use-route=${(e: CustomEvent<{ priority: number; table: number }>) => {
          store.addRoute(e.detail.priority, e.detail.table);
          this.dispatchEvent(
            new CustomEvent('navigate', { detail: 'policy', bubbles: true, composed: true }),
          );
        }}></mw-suggest-panel>
    </div>`;
  }

  private renderConflictGroup(g: ConflictGroup) {
    const [first] = g.items;
    const details = g.items.flatMap((c) => (c.detail ? [c.detail] : []));
    return html`<li data-testid="conflict-${g.field}-${g.consumer}">
      <b>${g.field}</b> ↔ <b>${g.consumer}</b> on <span class="mono">${first!.bits}</span>
      <span class="sev">${[...new Set(g.items.map((c) => c.severity))].join(', ')}</span>
      <span class="muted">(${first!.source})</span>
      ${details.map((d) => html`<div class="muted detail" title=${d}>${d}</div>`)}
    </li>`;
  }

  /** Detected conflicts in full, first; catalogue-only consumers folded to one line each, opened on demand. */
  private renderConflictList(conflicts: readonly Conflict[]) {
    const view = conflictView(conflicts);
    return html`${
      view.detected.length > 0
        ? html`<h3>On this box</h3>
            <ul class="conflicts" data-testid="conflicts-detected">
              ${view.detected.map((g) => this.renderConflictGroup(g))}
            </ul>`
        : html`<p class="muted" data-testid="no-detected-conflicts">Nothing on this box uses these bits.</p>`
    }
    ${
      view.catalogue.length > 0
        ? html`<h3>Not on this box (catalogue)</h3>
            <ul class="conflicts" data-testid="conflicts-catalogue">
              ${view.catalogue.map(
                (f) => html`<li data-testid="catalogue-${f.consumer}">
                  <details>
                    <summary>${f.summary}</summary>
                    <ul>
                      ${f.groups.map((g) => this.renderConflictGroup(g))}
                    </ul>
                  </details>
                </li>`,
              )}
            </ul>`
        : nothing
    }`;
  }

  private renderProblems() {
    const store = this.layout.value!;
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
    if (fieldId !== null) this.layout.value?.select(fieldId);
    if (view !== 'designer')
      this.dispatchEvent(new CustomEvent('navigate', { detail: view, bubbles: true, composed: true }));
  }

  private renderServerErrors() {
    const check = this.layout.value?.check;
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
