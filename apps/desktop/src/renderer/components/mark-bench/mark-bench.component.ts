// <mw-mark-bench>: the encode/decode bench. Decode: type a mark (or click its bits) to see each field's value.
// Encode: pick field values to see the v/m they make and how iptables, nft and ip rule write it.

import { hex } from '@markwright/core';
import { html, LitElement, nothing } from 'lit';
import type { DraftField } from '../../logic/draft';
import { decodeMark, encodeValues, parseMarkText, ruleTexts } from '../../logic/mark-codec';
import { tableStyles } from '../../styles/layout';
import { baseStyles } from '../../styles/theme';
import '../bit-strip/bit-strip.component';
import { toStripFields } from '../../logic/strip-fields';
import { markBenchStyles } from './mark-bench.styles';

export class MarkBench extends LitElement {
  static override styles = [baseStyles, tableStyles, markBenchStyles];
  static override properties = {
    fields: { attribute: false },
    space: { state: true },
    markText: { state: true },
    picked: { state: true },
  };

  fields: readonly DraftField[] = [];
  space: 'fwmark' | 'connmark' = 'fwmark';
  markText = '0x0';
  picked: Record<string, string> = {};

  private get spaceFields(): DraftField[] {
    return this.fields.filter((f) => f.space === this.space);
  }

  private toggleBit(bit: number): void {
    const parsed = parseMarkText(this.markText);
    const mark = parsed.ok ? parsed.value : 0;
    this.markText = hex((mark ^ (1 << bit)) >>> 0);
  }

  override render() {
    const parsed = parseMarkText(this.markText);
    const fields = this.spaceFields;
    const decoded = parsed.ok ? decodeMark(fields, parsed.value) : null;
    return html`
      <div class="row">
        <label for="bench-space">Mark</label>
        <select id="bench-space" data-testid="bench-space" .value=${this.space}
          @change=${(e: Event) => {
            this.space = (e.target as HTMLSelectElement).value as 'fwmark' | 'connmark';
          }}>
          <option value="fwmark">fwmark</option>
          <option value="connmark">connmark</option>
        </select>
        <label for="bench-mark">Decode</label>
        <input id="bench-mark" class="mono" type="text" data-testid="bench-mark" .value=${this.markText}
          aria-invalid=${parsed.ok ? 'false' : 'true'} aria-describedby="bench-mark-error"
          @input=${(e: Event) => {
            this.markText = (e.target as HTMLInputElement).value;
          }} />
        ${parsed.ok ? html`<span class="muted mono">= ${parsed.value}</span>` : nothing}
      </div>
      ${parsed.ok ? nothing : html`<div class="error" id="bench-mark-error" data-testid="bench-mark-error">${parsed.error}</div>`}
      <mw-bit-strip data-testid="bench-strip" mode="toggle" .space=${this.space} label="decoded mark (click a bit to flip it)"
        .fields=${toStripFields(this.fields, this.space)} .mark=${parsed.ok ? parsed.value : null}
        @bit-toggle=${(e: CustomEvent<{ bit: number }>) => this.toggleBit(e.detail.bit)}></mw-bit-strip>
      <div class="cols">
        <div>
          <h3>Field values</h3>
          ${
            decoded
              ? html`<table data-testid="bench-decoded">
                  <tr><th>field</th><th>value</th><th>raw</th></tr>
                  ${decoded.fields.map(
                    (d) => html`<tr data-testid="decoded-${d.name}">
                      <td>${d.name}</td><td class="mono">${d.label ?? d.raw}</td><td class="mono">${d.raw}</td>
                    </tr>`,
                  )}
                  ${decoded.unowned ? html`<tr><td class="muted">other bits</td><td class="mono" colspan="2">${hex(decoded.unowned)}</td></tr>` : nothing}
                </table>`
              : html`<p class="muted">Type a valid mark to decode it.</p>`
          }
        </div>
        <div>${this.renderEncode(fields)}</div>
      </div>
    `;
  }

  private renderEncode(fields: readonly DraftField[]) {
    const encoded = encodeValues(fields, this.picked);
    const texts =
      encoded.ok && encoded.mask !== 0 ? ruleTexts(this.space, encoded.value, encoded.mask) : null;
    return html`<h3>Encode</h3>
      <div class="pick">
        ${fields.map((f) => {
          const err = encoded.ok ? undefined : encoded.errors[f.name];
          const set = (e: Event) => {
            this.picked = {
              ...this.picked,
              [f.name]: (e.target as HTMLInputElement | HTMLSelectElement).value,
            };
          };
          return html`<label for="pick-${f.id}">${f.name}</label>
            ${
              f.kind === 'enum'
                ? html`<select id="pick-${f.id}" data-testid="pick-${f.name}" .value=${this.picked[f.name] ?? ''} @change=${set}>
                    <option value="">(any)</option>
                    ${f.values.map((v) => html`<option value=${v.name}>${v.name} = ${v.value}</option>`)}
                  </select>`
                : html`<input id="pick-${f.id}" type="text" data-testid="pick-${f.name}" placeholder="(any)"
                    .value=${this.picked[f.name] ?? ''} aria-invalid=${err ? 'true' : 'false'} @input=${set} />`
            }
            ${err ? html`<span class="error" data-testid="pick-${f.name}-error">${err}</span>` : nothing}`;
        })}
      </div>
      ${
        texts && encoded.ok
          ? html`<p class="vm mono" data-testid="bench-vm">${hex(encoded.value)}/${hex(encoded.mask)}</p>
              <pre data-testid="bench-texts">iptables  ${texts.iptablesMatch}
          ${texts.iptablesSet}
nft       ${texts.nftMatch}
          ${texts.nftSet}${texts.ipRule ? `\nip rule   ${texts.ipRule}` : ''}</pre>`
          : html`<p class="muted">Pick values to see their v/m and rule text.</p>`
      }`;
  }
}

customElements.define('mw-mark-bench', MarkBench);

declare global {
  interface HTMLElementTagNameMap {
    'mw-mark-bench': MarkBench;
  }
}
