// <mw-app>: the window. Provides the store to every view through context, switches between the five views,
// shows the status line and the theme toggle.

import { ContextProvider } from '@lit/context';
import { html, LitElement, nothing } from 'lit';
import type { AppStore } from '../data/app-store';
import { storeContext } from '../data/store-context';
import { baseStyles } from '../styles/theme';
import { applyTheme, readTheme, type ThemeChoice } from '../styles/tokens';
import '../views/designer-view/designer-view.component';
import '../views/deploy-view/deploy-view.component';
import '../views/layouts-view/layouts-view.component';
import '../views/policy-view/policy-view.component';
import '../views/simulator-view/simulator-view.component';
import { appStyles } from './app.styles';

export type ViewName = 'layouts' | 'designer' | 'policy' | 'simulator' | 'deploy';

const VIEWS: readonly { name: ViewName; title: string }[] = [
  { name: 'layouts', title: 'Layouts' },
  { name: 'designer', title: 'Designer' },
  { name: 'policy', title: 'Policy' },
  { name: 'simulator', title: 'Simulator' },
  { name: 'deploy', title: 'Deploy' },
];

function initialView(): ViewName {
  const asked = new URLSearchParams(globalThis.location?.search ?? '').get('view');
  return VIEWS.find((v) => v.name === asked)?.name ?? 'layouts';
}

const NEXT_THEME: Record<ThemeChoice, ThemeChoice> = { system: 'light', light: 'dark', dark: 'system' };

export class MarkwrightApp extends LitElement {
  static override styles = [baseStyles, appStyles];
  static override properties = { view: { state: true }, theme: { state: true } };

  /** The first view: `?view=designer` (and the like) opens straight into it. */
  view: ViewName = initialView();
  theme: ThemeChoice = readTheme();
  private provider = new ContextProvider(this, { context: storeContext });
  private storeValue: AppStore | undefined;
  private readonly onChange = () => this.requestUpdate();

  set store(store: AppStore) {
    this.storeValue?.removeEventListener('change', this.onChange);
    this.storeValue = store;
    store.addEventListener('change', this.onChange);
    this.provider.setValue(store);
    void store.refreshLayouts().then(() => {
      const first = store.layouts[0];
      if (first && !store.draft) void store.open(first.name);
    });
  }

  get store(): AppStore | undefined {
    return this.storeValue;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    applyTheme(this.theme);
  }

  private show(view: ViewName): void {
    this.view = view;
  }

  private onTabKey(e: KeyboardEvent): void {
    const i = VIEWS.findIndex((v) => v.name === this.view);
    const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (step === 0) return;
    const next = VIEWS[(i + step + VIEWS.length) % VIEWS.length]!;
    this.show(next.name);
    void this.updateComplete.then(() =>
      this.renderRoot.querySelector<HTMLElement>(`#tab-${next.name}`)?.focus(),
    );
  }

  override render() {
    const store = this.storeValue;
    return html`
      <header>
        <span class="brand">Markwright</span>
        <nav role="tablist" aria-label="views" @keydown=${this.onTabKey}>
          ${VIEWS.map(
            (v) => html`<button role="tab" id="tab-${v.name}" data-testid="tab-${v.name}"
              aria-selected=${this.view === v.name ? 'true' : 'false'} tabindex=${this.view === v.name ? 0 : -1}
              aria-controls="view" @click=${() => this.show(v.name)}>${v.title}</button>`,
          )}
        </nav>
        <span class="spacer"></span>
        ${store?.openLayout ? html`<span class="open" data-testid="open-layout">${store.openLayout.name} v${store.openLayout.version}${store.dirty ? ' •' : ''}</span>` : nothing}
        <button data-testid="theme-toggle" aria-label="theme: ${this.theme} (change)"
          @click=${() => {
            this.theme = NEXT_THEME[this.theme];
            applyTheme(this.theme);
          }}>Theme: ${this.theme}</button>
      </header>
      <main id="view" role="tabpanel" aria-labelledby="tab-${this.view}" @navigate=${(e: CustomEvent<ViewName>) => this.show(e.detail)}>
        ${this.renderView()}
      </main>
      <footer role="status" aria-live="polite" data-testid="status">
        ${store?.status ? html`<span class=${store.status.tone}>${store.status.text}</span>` : nothing}
        ${store?.busy ? html`<span class="muted"> working…</span>` : nothing}
      </footer>
    `;
  }

  private renderView() {
    switch (this.view) {
      case 'layouts':
        return html`<mw-layouts-view></mw-layouts-view>`;
      case 'designer':
        return html`<mw-designer-view></mw-designer-view>`;
      case 'policy':
        return html`<mw-policy-view></mw-policy-view>`;
      case 'simulator':
        return html`<mw-simulator-view></mw-simulator-view>`;
      case 'deploy':
        return html`<mw-deploy-view></mw-deploy-view>`;
    }
  }
}

customElements.define('mw-app', MarkwrightApp);

declare global {
  interface HTMLElementTagNameMap {
    'mw-app': MarkwrightApp;
  }
}
