// <mw-no-token>: what the served page shows when it was opened without its session token, instead of an empty
// app whose every call fails: where the address with the token comes from and what to do with it.

import { css, html, LitElement } from 'lit';
import { baseStyles } from '../styles/theme';

export class NoToken extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
        max-width: 640px;
        margin: 48px auto;
        padding: 0 16px;
      }
      code {
        font-family: var(--mw-mono, monospace);
      }
    `,
  ];

  override render() {
    return html`<div class="panel" role="alert" data-testid="no-token">
      <h1>Markwright needs its session token</h1>
      <p>This page was opened without the token that guards the Markwright API.</p>
      <ol>
        <li>Find the address <code>markwright serve</code> printed when it started (it ends with
          <code>#token=…</code>). <code>pnpm start</code> prints it too.</li>
        <li>Paste that whole address into this tab's address bar and press Enter: the app opens here, no reload
          needed.</li>
      </ol>
      <p class="muted">Not running? Start it with <code>markwright serve</code>. The token is kept for this tab
        only.</p>
    </div>`;
  }
}

customElements.define('mw-no-token', NoToken);

declare global {
  interface HTMLElementTagNameMap {
    'mw-no-token': NoToken;
  }
}
