// <mw-suggest-panel>: what is free on the chosen target for a new field or route: bit runs in each mark, an ip
// rule priority band and table ids, clear of everything probe detected there (the answer comes from the API's
// suggest). Emits `suggest-request` {width}, `use-bits` {space, mask} and `use-route` {priority, table}.

import type { FieldSpace, SuggestReport } from '@markwright/core';
import { html, LitElement, nothing } from 'lit';
import { baseStyles } from '../../styles/theme';
import { suggestPanelStyles } from './suggest-panel.styles';

type Run = SuggestReport['fwmark'][number];

export class SuggestPanel extends LitElement {
  static override styles = [baseStyles, suggestPanelStyles];
  static override properties = {
    report: { attribute: false },
    target: { attribute: false },
    busy: { type: Boolean },
    width: { state: true },
  };

  report: SuggestReport | null = null;
  /** The target chosen on Deploy, or null before one is. */
  target: string | null = null;
  busy = false;
  /** The new field's width, as typed. */
  width = '1';

  private emit(name: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }

  private get widthNumber(): number | null {
    const n = Number(this.width);
    return /^\d+$/.test(this.width) && n >= 1 && n <= 32 ? n : null;
  }

  override render() {
    const width = this.widthNumber;
    const report = this.report;
    return html`<div class="head">
        <h2>Free on ${this.target ?? 'a target'}</h2>
        <span>
          <label for="suggest-width">width</label>
          <input id="suggest-width" class="num" type="text" data-testid="suggest-width" .value=${this.width}
            aria-invalid=${width === null ? 'true' : 'false'}
            @input=${(e: Event) => {
              this.width = (e.target as HTMLInputElement).value;
            }} />
          <button data-testid="suggest" ?disabled=${width === null || this.busy || this.target === null}
            title="Probe the target chosen on Deploy and propose what is free there"
            @click=${() => this.emit('suggest-request', { width })}>Suggest</button>
        </span>
      </div>
      ${width === null ? html`<div class="error" data-testid="suggest-width-error">width: must be a number of bits, 1..32 (got ${JSON.stringify(this.width)})</div>` : nothing}
      ${
        this.target === null
          ? html`<p class="muted" data-testid="suggest-no-target">Choose a target on Deploy: Suggest probes it and proposes bits, ip rule priorities and tables nothing there uses.</p>`
          : report && report.target === this.target
            ? this.renderReport(report)
            : html`<p class="muted">Suggest probes ${this.target} and proposes bits, ip rule priorities and tables nothing there uses.</p>`
      }`;
  }

  private renderReport(r: SuggestReport) {
    const detected = r.consumers.map((c) => c.consumer);
    return html`<div data-testid="suggestion">
      <p class="muted">${detected.length ? `Clear of ${detected.join(', ')} (detected) and this layout.` : 'No known consumer detected; clear of the rules there and this layout.'}</p>
      ${this.runs('fwmark', 'fwmark', r.fwmark)} ${this.runs('connmark', 'connmark', r.connmark)}
      ${this.runs('persisted', 'both (persisted)', r.persisted)}
      <div class="line" data-testid="suggest-route">
        <span class="tag">route</span>
        ${
          r.priorities
            ? html`priorities <b class="mono">${r.priorities.from}–${r.priorities.to}</b>`
            : html`<span class="error">no free band of ip rule priorities</span>`
        }
        , tables <b class="mono">${r.tables.join(', ') || 'none free'}</b>
        ${
          r.priorities && r.tables[0] !== undefined
            ? html`<button data-testid="use-route" @click=${() => this.emit('use-route', { priority: r.priorities!.from, table: r.tables[0] })}>Add route</button>`
            : nothing
        }
      </div>
      ${
        r.takenBy.length
          ? html`<details><summary>Taken by detected software</summary><ul>
              ${r.takenBy.map((t) => html`<li><b>${t.consumer}</b>: ${t.what}</li>`)}</ul></details>`
          : nothing
      }
    </div>`;
  }

  private runs(id: string, title: string, runs: readonly Run[]) {
    const width = this.widthNumber ?? 1;
    const space: FieldSpace = id === 'connmark' ? 'connmark' : 'fwmark';
    return html`<div class="line" data-testid="suggest-${id}"><span class="tag">${title}</span>
      ${
        runs.length === 0
          ? html`<span class="error">no ${width}-bit run free</span>`
          : runs.map((run, i) => {
              // The new field takes the run's lowest bits.
              const mask = (width === 32 ? 0xffffffff : (((1 << width) - 1) << run.offset) >>> 0) >>> 0;
              return html`<button class="run" data-testid="use-${id}-${i}" title="Add a ${width}-bit field at bit ${run.offset}"
                @click=${() => this.emit('use-bits', { space, mask, persist: id === 'persisted' })}>
                bits ${run.offset}–${run.offset + run.width - 1} <span class="mono muted">${run.mask}</span></button>`;
            })
      }</div>`;
  }
}

customElements.define('mw-suggest-panel', SuggestPanel);

declare global {
  interface HTMLElementTagNameMap {
    'mw-suggest-panel': SuggestPanel;
  }
}
