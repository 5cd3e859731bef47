// <mw-hook-diagram>: the packet path drawn as boxes, prerouting -> routing -> input | forward | output ->
// postrouting -> tc; stages the packet went through are filled, stages where a rule matched are marked.

import { css, html, LitElement } from 'lit';
import type { StageState } from '../../logic/hook-path';
import { baseStyles } from '../../styles/theme';

export class HookDiagram extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }
      .path {
        display: grid;
        grid-template-columns: repeat(9, auto);
        grid-template-rows: repeat(3, auto);
        align-items: center;
        justify-content: start;
        gap: 3px 4px;
      }
      .box {
        border: 1px solid var(--mw-border);
        border-radius: 5px;
        padding: 3px 8px;
        text-align: center;
        color: var(--mw-muted);
        font-size: 12px;
      }
      .box.visited {
        background: var(--mw-accent);
        border-color: var(--mw-accent);
        color: var(--mw-accent-fg);
      }
      .box.hit {
        box-shadow: 0 0 0 2px var(--mw-known);
      }
      .arrow {
        color: var(--mw-muted);
      }
      .r1 { grid-row: 1; }
      .r2 { grid-row: 2; }
      .r3 { grid-row: 3; }
      .c1 { grid-column: 1; }
      .c2 { grid-column: 2; }
      .c3 { grid-column: 3; }
      .c4 { grid-column: 4; }
      .c5 { grid-column: 5; }
      .c6 { grid-column: 6; }
      .c7 { grid-column: 7; }
      .c8 { grid-column: 8; }
      .c9 { grid-column: 9; }
    `,
  ];
  static override properties = { stages: { attribute: false } };

  stages: readonly StageState[] = [];

  private box(stage: string, where: string) {
    const s = this.stages.find((x) => x.stage === stage);
    return html`<span class="box ${where} ${s?.visited ? 'visited' : ''} ${s?.hit ? 'hit' : ''}"
      data-testid="stage-${stage}" data-visited=${s?.visited ? 'true' : 'false'}>${stage}</span>`;
  }

  override render() {
    return html`<div class="path" role="img" aria-label="hook path: ${
      this.stages
        .filter((s) => s.visited)
        .map((s) => s.stage)
        .join(' → ') || 'none'
    }">
      ${this.box('prerouting', 'r2 c1')}<span class="arrow r2 c2">→</span>${this.box('routing', 'r2 c3')}
      <span class="arrow r1 c4">↗</span>${this.box('input', 'r1 c5')}
      <span class="arrow r2 c4">→</span>${this.box('forward', 'r2 c5')}
      <span class="arrow r3 c4">local →</span>${this.box('output', 'r3 c5')}
      <span class="arrow r2 c6">→</span>${this.box('postrouting', 'r2 c7')}<span class="arrow r2 c8">→</span>${this.box('tc', 'r2 c9')}
    </div>`;
  }
}

customElements.define('mw-hook-diagram', HookDiagram);

declare global {
  interface HTMLElementTagNameMap {
    'mw-hook-diagram': HookDiagram;
  }
}
