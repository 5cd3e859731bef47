// <mw-label-panel>: the layout's security labels (secmark) beside the two mark strips. A label is a name policy
// rules set, an SELinux-style context, and whether it persists on the connection. Each input shows the error
// core's check reports for it, keyed `labels.<id>.<part>`. Emits `label-add`, `label-update` and `label-remove`.

import { html, LitElement, nothing } from 'lit';
import type { DraftLabel } from '../../logic/draft';
import { labelKey } from '../../logic/draft-problems';
import { baseStyles } from '../../styles/theme';
import { labelPanelStyles } from './label-panel.styles';

/** An error as shown beside its input: it names the input, unless core's message already does. */
const namingThe = (part: string, message: string): string =>
  message.startsWith(`label ${part}`) ? message : `${part}: ${message}`;

export type LabelPatch = Partial<Omit<DraftLabel, 'id'>>;

export class LabelPanel extends LitElement {
  static override styles = [baseStyles, labelPanelStyles];
  static override properties = { labels: { attribute: false }, problems: { attribute: false } };

  labels: readonly DraftLabel[] = [];
  problems: Readonly<Record<string, string>> = {};

  private emit(name: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }

  private patch(label: DraftLabel, patch: LabelPatch): void {
    this.emit('label-update', { id: label.id, patch });
  }

  override render() {
    return html`<div class="head">
        <h2>secmark: security labels</h2>
        <button data-testid="add-label" @click=${() => this.emit('label-add', null)}>Add label</button>
      </div>
      ${
        this.labels.length === 0
          ? html`<p class="muted" data-testid="no-labels">No labels. A label is the SELinux (or AppArmor, Smack) context
              rules give packets; the policy's rules choose one beside field values.</p>`
          : html`<ul class="labels" role="list" aria-label="labels">
              ${this.labels.map((l, i) => this.renderLabel(l, i))}
            </ul>`
      }`;
  }

  private renderLabel(label: DraftLabel, i: number) {
    const cell = (part: 'name' | 'context', text: string, placeholder: string) => {
      const key = labelKey(label, part);
      const err = this.problems[key];
      const id = `label-${i}-${part}`;
      return html`<div class="cell ${part}"><label for=${id}>${part}</label>
        <input id=${id} type="text" data-testid=${id} .value=${text} placeholder=${placeholder}
          aria-invalid=${err ? 'true' : 'false'} aria-describedby=${err ? `${id}-error` : nothing}
          @input=${(e: Event) => this.patch(label, { [part]: (e.target as HTMLInputElement).value })} />
        ${err ? html`<span class="error" id="${id}-error" data-testid="${id}-error">${namingThe(part, err)}</span>` : nothing}
      </div>`;
    };
    return html`<li data-testid="label-${i}">
      ${cell('name', label.name, 'http_packet')}
      ${cell('context', label.context, 'system_u:object_r:http_packet_t:s0')}
      <label class="persist"><input type="checkbox" data-testid="label-${i}-persist" .checked=${label.persist}
        @change=${(e: Event) => this.patch(label, { persist: (e.target as HTMLInputElement).checked })} />
        persist on the connection</label>
      <button class="danger" data-testid="remove-label-${i}" aria-label="remove label ${label.name}"
        @click=${() => this.emit('label-remove', { id: label.id })}>Remove</button>
    </li>`;
  }
}

customElements.define('mw-label-panel', LabelPanel);

declare global {
  interface HTMLElementTagNameMap {
    'mw-label-panel': LabelPanel;
  }
}
