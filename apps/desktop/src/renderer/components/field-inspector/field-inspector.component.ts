// <mw-field-inspector>: edits one field (name, mark, kind, bits, enum values, int range, persist/newOnly,
// description). Each input shows its error beneath it as the user types; changes leave as `field-update`
// events with a patch, and `field-delete`.

import { hex, maskOf } from '@markwright/core';
import { html, LitElement, nothing } from 'lit';
import { contiguousSpan, type DraftField, type DraftValue } from '../../logic/draft';
import { fieldKey, spanProblem } from '../../logic/draft-problems';
import { baseStyles } from '../../styles/theme';
import { fieldInspectorStyles } from './field-inspector.styles';

export class FieldInspector extends LitElement {
  static override styles = [baseStyles, fieldInspectorStyles];
  static override properties = {
    field: { attribute: false },
    problems: { attribute: false },
    offsetText: { state: true },
    widthText: { state: true },
  };

  field: DraftField | null = null;
  problems: Readonly<Record<string, string>> = {};
  /** Offset and width as typed; they reach the field only when they make a valid span. */
  offsetText = '';
  widthText = '';

  /** The field id and mask the offset/width texts were last taken from. */
  private shown: { id: number; mask: number } | null = null;

  protected override willUpdate(): void {
    const f = this.field;
    if (!f || (this.shown?.id === f.id && this.shown.mask === f.mask)) return;
    // The field changed under us (a drag, another field selected): show its span afresh.
    this.shown = { id: f.id, mask: f.mask };
    const span = contiguousSpan(f.mask);
    this.offsetText = span ? String(span.offset) : '';
    this.widthText = span ? String(span.width) : '';
  }

  private update_(patch: Partial<DraftField>): void {
    if (!this.field) return;
    this.dispatchEvent(
      new CustomEvent('field-update', {
        detail: { id: this.field.id, patch },
        bubbles: true,
        composed: true,
      }),
    );
  }

  /** The error of the typed offset/width (core's placement rules), or null when they make a span. */
  private spanError(): string | null {
    return spanProblem(this.offsetText, this.widthText);
  }

  private onSpanInput(part: 'offset' | 'width', text: string): void {
    if (part === 'offset') this.offsetText = text;
    else this.widthText = text;
    if (this.spanError() === null)
      this.update_({ mask: maskOf(Number(this.offsetText), Number(this.widthText)) });
  }

  private setValue(index: number, patch: Partial<DraftValue>): void {
    if (!this.field) return;
    const values = this.field.values.map((v, i) => (i === index ? { ...v, ...patch } : v));
    this.update_({ values });
  }

  private problem(part: string): string | undefined {
    return this.field ? this.problems[fieldKey(this.field, part)] : undefined;
  }

  private errorLine(part: string, testid: string) {
    const p = this.problem(part);
    return p
      ? html`<span class="error" id="err-${testid}" data-testid="${testid}-error">${p}</span>`
      : nothing;
  }

  override render() {
    const f = this.field;
    if (!f) return html`<p class="muted">Drag on a strip to create a field, or select one to edit it.</p>`;
    const span = contiguousSpan(f.mask);
    const spanErr = span ? this.spanError() : null;
    return html`
      <div class="grid" data-testid="inspector">
        <label for="name">Name</label>
        <div class="control">
          <input id="name" type="text" data-testid="field-name" .value=${f.name}
            aria-invalid=${this.problem('name') ? 'true' : 'false'} aria-describedby="err-field-name"
            @input=${(e: Event) => this.update_({ name: (e.target as HTMLInputElement).value })} />
          ${this.errorLine('name', 'field-name')}
        </div>

        <label for="space">Mark</label>
        <div class="control">
          <select id="space" data-testid="field-space" .value=${f.space}
            @change=${(e: Event) => this.update_({ space: (e.target as HTMLSelectElement).value as DraftField['space'] })}>
            <option value="fwmark">fwmark (packet mark)</option>
            <option value="connmark">connmark (conntrack mark)</option>
          </select>
        </div>

        <label for="kind">Kind</label>
        <div class="control">
          <select id="kind" data-testid="field-kind" .value=${f.kind}
            aria-invalid=${this.problem('kind') ? 'true' : 'false'}
            @change=${(e: Event) => this.update_({ kind: (e.target as HTMLSelectElement).value as DraftField['kind'] })}>
            <option value="flag">flag</option>
            <option value="enum">enum</option>
            <option value="int">int</option>
          </select>
          ${this.errorLine('kind', 'field-kind')}
        </div>

        <label for="offset">Bits</label>
        <div class="control">
          ${
            span
              ? html`<div class="row">
                  <input id="offset" class="num" type="text" inputmode="numeric" data-testid="field-offset"
                    aria-label="offset (lowest bit)" .value=${this.offsetText}
                    aria-invalid=${spanErr ? 'true' : 'false'}
                    @input=${(e: Event) => this.onSpanInput('offset', (e.target as HTMLInputElement).value)} />
                  <input class="num" type="text" inputmode="numeric" data-testid="field-width" aria-label="width in bits"
                    .value=${this.widthText} aria-invalid=${spanErr ? 'true' : 'false'}
                    @input=${(e: Event) => this.onSpanInput('width', (e.target as HTMLInputElement).value)} />
                  <span class="mono muted" data-testid="field-mask">${hex(f.mask)}</span>
                </div>`
              : html`<span class="mono" data-testid="field-mask">${hex(f.mask)} (non-contiguous)</span>`
          }
          ${spanErr ? html`<span class="error" data-testid="field-span-error">${spanErr}</span>` : nothing}
          ${this.errorLine('mask', 'field-mask')}
        </div>

        ${f.kind === 'enum' ? this.renderValues(f) : nothing}
        ${f.kind === 'int' ? this.renderRange(f) : nothing}

        <span></span>
        <div class="checks">
          <label><input type="checkbox" data-testid="field-persist" .checked=${f.persist}
            @change=${(e: Event) => this.update_({ persist: (e.target as HTMLInputElement).checked })} /> persist</label>
          <label><input type="checkbox" data-testid="field-newonly" .checked=${f.newOnly}
            @change=${(e: Event) => this.update_({ newOnly: (e.target as HTMLInputElement).checked })} /> new connections only</label>
        </div>
        ${this.problem('persist') ? html`<span></span>${this.errorLine('persist', 'field-persist')}` : nothing}

        <label for="description">Description</label>
        <div class="control">
          <textarea id="description" data-testid="field-description" .value=${f.description}
            @input=${(e: Event) => this.update_({ description: (e.target as HTMLTextAreaElement).value })}></textarea>
        </div>
      </div>
      <div class="footer">
        <span class="muted">Arrows move the field on the strip; Shift/Alt+arrows resize it.</span>
        <button class="danger" data-testid="field-delete"
          @click=${() => this.dispatchEvent(new CustomEvent('field-delete', { detail: { id: f.id }, bubbles: true, composed: true }))}>
          Delete field
        </button>
      </div>
    `;
  }

  private renderValues(f: DraftField) {
    return html`<label>Values</label>
      <div class="values" data-testid="field-values">
        ${f.values.map(
          (v, j) => html`<div class="value-row">
            <input type="text" data-testid="value-name-${j}" aria-label="value ${j + 1} name" .value=${v.name}
              aria-invalid=${this.problem(`values.${j}.name`) ? 'true' : 'false'}
              @input=${(e: Event) => this.setValue(j, { name: (e.target as HTMLInputElement).value })} />
            <input type="text" data-testid="value-number-${j}" aria-label="value ${j + 1} number" .value=${v.value}
              aria-invalid=${this.problem(`values.${j}.value`) ? 'true' : 'false'}
              @input=${(e: Event) => this.setValue(j, { value: (e.target as HTMLInputElement).value })} />
            <button aria-label="remove value ${j + 1}" data-testid="value-remove-${j}"
              @click=${() => this.update_({ values: f.values.filter((_, i) => i !== j) })}>−</button>
            ${this.errorLine(`values.${j}.name`, `value-name-${j}`)} ${this.errorLine(`values.${j}.value`, `value-number-${j}`)}
          </div>`,
        )}
        <div>
          <button data-testid="value-add" @click=${() => this.addValue(f)}>Add value</button>
        </div>
        ${this.errorLine('values', 'field-values')}
      </div>`;
  }

  private addValue(f: DraftField): void {
    const used = new Set(f.values.map((v) => Number(v.value)));
    let n = 1;
    while (used.has(n)) n++;
    this.update_({ values: [...f.values, { name: `value${n}`, value: String(n) }] });
  }

  private renderRange(f: DraftField) {
    return html`<label for="min">Range</label>
      <div class="control">
        <div class="row">
          <input id="min" class="num" type="text" data-testid="field-min" aria-label="minimum" placeholder="0"
            .value=${f.min} aria-invalid=${this.problem('min') ? 'true' : 'false'}
            @input=${(e: Event) => this.update_({ min: (e.target as HTMLInputElement).value })} />
          <span>to</span>
          <input class="num" type="text" data-testid="field-max" aria-label="maximum" placeholder="max"
            .value=${f.max} aria-invalid=${this.problem('max') ? 'true' : 'false'}
            @input=${(e: Event) => this.update_({ max: (e.target as HTMLInputElement).value })} />
        </div>
        ${this.errorLine('min', 'field-min')} ${this.errorLine('max', 'field-max')}
      </div>`;
  }
}

customElements.define('mw-field-inspector', FieldInspector);

declare global {
  interface HTMLElementTagNameMap {
    'mw-field-inspector': FieldInspector;
  }
}
