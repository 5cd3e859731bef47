// <mw-hook-diagram>: the packet path drawn as boxes, prerouting -> routing -> input | forward | output ->
// postrouting -> tc; stages the packet went through are filled, stages where a rule matched are marked.

import { html, LitElement } from 'lit';
import type { StageState } from '../../logic/hook-path';
import { baseStyles } from '../../styles/theme';
import { hookDiagramStyles } from './hook-diagram.styles';

export class HookDiagram extends LitElement {
  static override styles = [baseStyles, hookDiagramStyles];
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
