// <mw-field-values>: picks a value per field (enum names and flags from a list, ints typed), as policy rules,
// route and class bindings are written in field terms. Emits `values-change` with the whole new record.

import { html, LitElement, nothing } from 'lit';
import type { DraftField, DraftFieldValues } from '../../logic/draft';
import { baseStyles } from '../../styles/theme';
import { fieldValuesStyles } from './field-values.styles';

export class FieldValuesEditor extends LitElement {
  static override styles = [baseStyles, fieldValuesStyles];
  static override properties = {
    fields: { attribute: false },
    values: { attribute: false },
    problems: { attribute: false },
    keyPrefix: { attribute: 'key-prefix' },
  };

  fields: readonly DraftField[] = [];
  values: DraftFieldValues = {};
  problems: Readonly<Record<string, string>> = {};
  /** Problem-key and test-id prefix, e.g. `rules.0.set`. */
  keyPrefix = '';

  private set(name: string, value: string): void {
    const next = { ...this.values };
    if (value === '') delete next[name];
    else next[name] = value;
    this.dispatchEvent(new CustomEvent('values-change', { detail: next, bubbles: true, composed: true }));
  }

  override render() {
    if (this.fields.length === 0) return html`<span class="muted">no fields in the layout</span>`;
    const stray = Object.keys(this.values).filter((k) => !this.fields.some((f) => f.name === k));
    return html`${this.fields.map((f) => {
      const id = `${this.keyPrefix}.${f.name}`;
      const err = this.problems[id];
      const current = this.values[f.name] ?? '';
      const onChange = (e: Event) =>
        this.set(f.name, (e.target as HTMLInputElement | HTMLSelectElement).value);
      let control: unknown;
      if (f.kind === 'int') {
        control = html`<input id=${id} type="text" data-testid=${id} placeholder="any" .value=${current}
          aria-invalid=${err ? 'true' : 'false'} @input=${onChange} />`;
      } else {
        const options = f.kind === 'flag' ? ['0', '1'] : f.values.map((v) => v.name);
        control = html`<select id=${id} data-testid=${id} aria-invalid=${err ? 'true' : 'false'} @change=${onChange}>
          <option value="" ?selected=${current === ''}>any</option>
          ${options.map((o) => html`<option value=${o} ?selected=${o === current}>${o}</option>`)}
          ${current !== '' && !options.includes(current) ? html`<option value=${current} selected>${current}</option>` : nothing}
        </select>`;
      }
      return html`<div class="item"><label for=${id}>${f.name}</label>${control}
        ${err ? html`<span class="error" data-testid="${id}-error">${err}</span>` : nothing}</div>`;
    })}
    ${stray.map(
      (
        k,
      ) => html`<div class="item"><span class="error" data-testid="${this.keyPrefix}.${k}-error">${this.problems[`${this.keyPrefix}.${k}`] ?? `no field is named "${k}"`}</span>
      <button @click=${() => this.set(k, '')}>remove ${k}</button></div>`,
    )}`;
  }
}

customElements.define('mw-field-values', FieldValuesEditor);

declare global {
  interface HTMLElementTagNameMap {
    'mw-field-values': FieldValuesEditor;
  }
}
