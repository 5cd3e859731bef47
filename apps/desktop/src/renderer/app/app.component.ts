// <mw-app>: the window. Provides the app's data modules to every view through their contexts, switches between
// the five views (which only render; their state lives in the data modules), shows the status line and the theme
// toggle.

import { ContextProvider } from '@lit/context';
import { html, LitElement, nothing } from 'lit';
import type { AppData } from '../data/app-data';
import {
  activityContext,
  deployContext,
  draftContext,
  layoutsContext,
  lintContext,
  simulationContext,
  sshHostsContext,
} from '../data/contexts';
import { baseStyles } from '../styles/theme';
import { applyTheme, readTheme, type ThemeChoice } from '../styles/tokens';
import '../components/pending-banner/pending-banner.component';
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
  private readonly providers = {
    activity: new ContextProvider(this, { context: activityContext }),
    layouts: new ContextProvider(this, { context: layoutsContext }),
    draft: new ContextProvider(this, { context: draftContext }),
    deploy: new ContextProvider(this, { context: deployContext }),
    simulation: new ContextProvider(this, { context: simulationContext }),
    lint: new ContextProvider(this, { context: lintContext }),
    sshHosts: new ContextProvider(this, { context: sshHostsContext }),
  };
  private dataValue: AppData | undefined;
  private readonly onChange = () => this.requestUpdate();

  set data(data: AppData) {
    this.dataValue?.activity.removeEventListener('change', this.onChange);
    this.dataValue?.draft.removeEventListener('change', this.onChange);
    this.dataValue?.deploy.removeEventListener('change', this.onChange);
    this.dataValue = data;
    data.activity.addEventListener('change', this.onChange);
    data.draft.addEventListener('change', this.onChange);
    data.deploy.addEventListener('change', this.onChange);
    this.providers.activity.setValue(data.activity);
    this.providers.layouts.setValue(data.layouts);
    this.providers.draft.setValue(data.draft);
    this.providers.deploy.setValue(data.deploy);
    this.providers.simulation.setValue(data.simulation);
    this.providers.lint.setValue(data.lint);
    this.providers.sshHosts.setValue(data.sshHosts);
    void data.start();
  }

  get data(): AppData | undefined {
    return this.dataValue;
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
    const activity = this.dataValue?.activity;
    const draft = this.dataValue?.draft;
    return html`
      <div class="top" data-testid="app-top">
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
          ${draft?.openLayout ? html`<span class="open" data-testid="open-layout">${draft.openLayout.name} v${draft.openLayout.version}${draft.dirty ? ' •' : ''}</span>` : nothing}
          ${draft?.openLayout ? this.renderTarget() : nothing}
          <button data-testid="theme-toggle" aria-label="theme: ${this.theme} (change)"
            @click=${() => {
              this.theme = NEXT_THEME[this.theme];
              applyTheme(this.theme);
            }}>Theme: ${this.theme}</button>
        </header>
        <mw-pending-banner></mw-pending-banner>
      </div>
      <main id="view" role="tabpanel" aria-labelledby="tab-${this.view}" @navigate=${(e: CustomEvent<ViewName>) => this.show(e.detail)}>
        ${this.renderView()}
      </main>
      <footer role="status" aria-live="polite" data-testid="status">
        ${activity?.status ? html`<span class=${activity.status.tone}>${activity.status.text}</span>` : nothing}
        ${activity?.busy ? html`<span class="muted"> working…</span>` : nothing}
      </footer>
    `;
  }

  /** Where a deploy of the open layout goes; choosing it happens on Deploy, never silently. */
  private renderTarget() {
    const target = this.dataValue?.deploy.target ?? null;
    return html`<button class="target ${target === null ? 'unset' : ''}" data-testid="header-target"
      title="The target deploys of this layout go to (choose it on Deploy)" @click=${() => this.show('deploy')}>
      ${target === null ? 'no target chosen' : `target: ${target === 'local' ? 'this box (local)' : target}`}</button>`;
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
