// <mw-bit-strip>: one 32-bit mark drawn bit 31 to bit 0. In `edit` mode fields are created, moved and resized
// by dragging (or with the keyboard on the selected field); in `toggle` mode a click flips a bit of `mark`;
// in `view` mode it only shows. Known consumers' and live rules' bits appear as marker rows under the cells.

import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { StripDragController, type StripDragHost } from '../../controllers/strip-drag-controller';
import { contiguousSpan } from '../../logic/draft';
import {
  applyKeyAction,
  checkPlacement,
  keyAction,
  type PlacedField,
  spanMask,
} from '../../logic/field-drag';
import { type StripCell, type StripClaim, type StripField, stripCells } from '../../logic/strip-cells';
import { baseStyles, fieldColors } from '../../styles/theme';
import { bitStripStyles } from './bit-strip.styles';

export type StripMode = 'edit' | 'toggle' | 'view';

export class BitStrip extends LitElement implements StripDragHost {
  static override styles = [baseStyles, bitStripStyles, fieldColors];
  static override properties = {
    space: { type: String },
    label: { type: String },
    mode: { type: String },
    fields: { attribute: false },
    selectedId: { attribute: false },
    knownClaims: { attribute: false },
    liveClaims: { attribute: false },
    mark: { attribute: false },
    message: { state: true },
  };

  space: 'fwmark' | 'connmark' = 'fwmark';
  label = '';
  mode: StripMode = 'view';
  fields: readonly StripField[] = [];
  selectedId: number | null = null;
  knownClaims: readonly StripClaim[] = [];
  liveClaims: readonly StripClaim[] = [];
  mark: number | null = null;
  message = '';
  private readonly drag = new StripDragController(this);

  dragFields(): readonly PlacedField[] {
    return this.fields;
  }

  cellsRect(): { left: number; width: number } | null {
    const cells = this.renderRoot.querySelector<HTMLElement>('.strip');
    if (!cells) return null;
    const r = cells.getBoundingClientRect();
    return { left: r.left, width: r.width };
  }

  commitCreate(mask: number): void {
    this.message = '';
    this.emit('field-create', { space: this.space, mask });
  }

  commitChange(id: number, mask: number): void {
    this.message = '';
    this.emit('field-change', { id, mask });
  }

  refuse(reason: string): void {
    this.message = reason;
    this.emit('placement-refused', { reason });
  }

  private emit(type: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('fields') && this.drag.mode === null) this.message = '';
  }

  private onPointerDown(e: PointerEvent): void {
    if (e.button !== 0) return;
    const target = e.target as HTMLElement;
    const cell = target.closest<HTMLElement>('[data-bit]');
    if (!cell) return;
    const bit = Number(cell.dataset.bit);
    if (this.mode === 'toggle') {
      this.emit('bit-toggle', { space: this.space, bit });
      return;
    }
    if (this.mode !== 'edit') return;
    const fieldId = cell.dataset.field ? Number(cell.dataset.field) : null;
    if (fieldId !== null) this.emit('field-select', { id: fieldId });
    const edge = target.classList.contains('handle') ? (target.dataset.edge as 'low' | 'high') : null;
    if (this.drag.begin(e.clientX, fieldId, edge)) {
      (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
      e.preventDefault();
    }
  }

  private onPointerMove(e: PointerEvent): void {
    if (this.drag.mode) this.drag.update(e.clientX);
  }

  private onPointerUp(): void {
    if (this.drag.mode) this.drag.end();
  }

  private onKeyDown(e: KeyboardEvent): void {
    if (this.mode !== 'edit' || this.selectedId === null) return;
    const action = keyAction(e.key, e.shiftKey, e.altKey);
    const field = this.fields.find((f) => f.id === this.selectedId);
    const span = field ? contiguousSpan(field.mask) : null;
    if (!action || !field || !span) return;
    e.preventDefault();
    const next = applyKeyAction(span, action);
    const mask = spanMask(next);
    if (mask === field.mask) return;
    const placement = checkPlacement(mask, field.id, this.fields);
    if (placement.ok) this.commitChange(field.id, mask);
    else this.refuse(`Not moved: the field ${placement.reason}`);
  }

  override render() {
    const preview = this.drag.preview;
    const shown = preview ? this.withPreview(preview.id, preview.placement.mask) : this.fields;
    const cells = stripCells(shown, {
      selectedId: this.selectedId,
      mark: this.mark,
      claims: [...this.knownClaims, ...this.liveClaims],
    });
    const known = stripCells([], { claims: this.knownClaims });
    const live = stripCells([], { claims: this.liveClaims });
    const previewMask = preview?.placement.mask ?? 0;
    return html`
      <div
        class="strip mode-${this.mode}"
        data-testid="strip-${this.space}"
        role="group"
        aria-label="${this.label || this.space} bits 31 to 0"
        tabindex=${this.mode === 'edit' ? 0 : -1}
        @pointerdown=${this.onPointerDown}
        @pointermove=${this.onPointerMove}
        @pointerup=${this.onPointerUp}
        @pointercancel=${() => this.drag.cancel()}
        @keydown=${this.onKeyDown}
      >
        ${cells.map((c) => html`<div class="num ${c.bit % 4 === 0 ? 'nibble' : ''}">${c.bit}</div>`)}
        ${cells.map((c, col) => this.renderCell(c, col, previewMask, preview?.placement.ok ?? true))}
        ${this.renderLabels(cells)}
        ${this.renderMarkers('known', 'known consumers', known)} ${this.renderMarkers('live', 'live on target', live)}
      </div>
      <div class="message error" role="status" data-testid="strip-message-${this.space}">${this.message}</div>
    `;
  }

  private withPreview(id: number | null, mask: number): StripField[] {
    const others = this.fields.filter((f) => f.id !== id);
    const self = this.fields.find((f) => f.id === id);
    const previewField: StripField = self
      ? { ...self, mask }
      : { id: -1, name: 'new field', mask, colorIndex: this.fields.length };
    return [...others, previewField];
  }

  private renderCell(c: StripCell, col: number, previewMask: number, previewOk: boolean) {
    const inPreview = ((previewMask >>> c.bit) & 1) === 1;
    const classes = [
      'cell',
      `col-${col}`,
      c.colorClass ?? '',
      c.fieldId !== null ? 'owned' : '',
      c.runHigh ? 'run-high' : '',
      c.runLow ? 'run-low' : '',
      c.selected ? 'selected' : '',
      c.bit % 4 === 0 && c.bit > 0 ? 'nibble-edge' : '',
      inPreview ? 'preview' : '',
      inPreview && !previewOk ? 'refused' : '',
      c.value === 1 ? 'one' : c.value === 0 ? 'zero' : '',
    ].join(' ');
    const editable = this.mode === 'edit' && c.fieldId !== null && c.fieldId >= 0;
    return html`<div
      class=${classes}
      data-testid="bit-${this.space}-${c.bit}"
      data-bit=${c.bit}
      data-field=${c.fieldId !== null && c.fieldId >= 0 ? c.fieldId : nothing}
      data-conflict=${c.conflict ? 'true' : 'false'}
      title="bit ${c.bit}${c.fieldName ? `: ${c.fieldName}` : ''}${c.claims.length > 0 ? ` (also ${c.claims.join(', ')})` : ''}"
    >
      ${c.value ?? nothing}
      ${editable && c.runHigh ? html`<span class="handle high" data-edge="high" data-bit=${c.bit} data-field=${c.fieldId}></span>` : nothing}
      ${editable && c.runLow ? html`<span class="handle low" data-edge="low" data-bit=${c.bit} data-field=${c.fieldId}></span>` : nothing}
    </div>`;
  }

  private renderLabels(cells: readonly StripCell[]) {
    const out = [];
    for (let col = 0; col < cells.length; col++) {
      const c = cells[col]!;
      if (!c.runHigh || c.fieldName === null) continue;
      let end = col;
      while (!cells[end]!.runLow) end++;
      out.push(
        html`<div
          class="label ${c.colorClass} gs-${col + 1} sp-${end - col + 1}"
          data-testid="field-span-${c.fieldName}"
          title=${c.fieldName}
        >
          ${c.fieldName}
        </div>`,
      );
    }
    return out;
  }

  private renderMarkers(kind: 'known' | 'live', title: string, cells: readonly StripCell[]) {
    if (!cells.some((c) => c.claims.length > 0)) return nothing;
    return html`<div class="marker-row-label">${title}</div>
      ${cells.map(
        (c) =>
          html`<div
            class="marker ${c.claims.length > 0 ? kind : ''}"
            data-testid=${c.claims.length > 0 ? `${kind}-${this.space}-${c.bit}` : nothing}
            title=${c.claims.length > 0 ? `bit ${c.bit}: ${c.claims.join(', ')}` : nothing}
          ></div>`,
      )}`;
  }
}

customElements.define('mw-bit-strip', BitStrip);

declare global {
  interface HTMLElementTagNameMap {
    'mw-bit-strip': BitStrip;
  }
}
