// <mw-mark-bits>: a compact 32-bit mark for traces: each bit tinted by the field that owns it, set bits dark,
// bits that changed from `before` outlined.

import { hex8 } from '@markwright/core';
import { html, LitElement } from 'lit';
import { type StripField, stripCells } from '../../logic/strip-cells';
import { baseStyles, fieldColors } from '../../styles/theme';
import { markBitsStyles } from './mark-bits.styles';

export class MarkBits extends LitElement {
  static override styles = [baseStyles, markBitsStyles, fieldColors];
  static override properties = {
    mark: { type: Number },
    previous: { attribute: false },
    fields: { attribute: false },
  };

  mark = 0;
  previous: number | null = null;
  fields: readonly StripField[] = [];

  override render() {
    const cells = stripCells(this.fields, { mark: this.mark });
    const changed = this.previous === null ? 0 : (this.previous ^ this.mark) >>> 0;
    return html`<span class="bits" aria-hidden="true">${cells.map(
      (c) =>
        html`<span class="b ${c.colorClass ?? ''} ${c.value ? 'one' : ''} ${(changed >>> c.bit) & 1 ? 'changed' : ''} ${
          c.bit % 8 === 7 && c.bit !== 31 ? 'nibble' : ''
        }" title="bit ${c.bit}${c.fieldName ? `: ${c.fieldName}` : ''}"></span>`,
    )}</span><span class="mono">${hex8(this.mark)}</span>`;
  }
}

customElements.define('mw-mark-bits', MarkBits);

declare global {
  interface HTMLElementTagNameMap {
    'mw-mark-bits': MarkBits;
  }
}
