// <mw-pending-banner>: one line per deployment waiting for Keep, on every view and for every target: the target,
// the layout, the seconds left, what Keep writes, and Keep / Revert now. A failed Keep or revert stays under its
// line until the next try.

import type { PendingDeployment } from '@markwright/api';
import { html, LitElement, nothing } from 'lit';
import { StoreController } from '../../controllers/store-controller';
import { deployContext } from '../../data/contexts';
import { keepWritesText } from '../../data/deploy/pending-store';
import { baseStyles } from '../../styles/theme';
import { pendingBannerStyles } from './pending-banner.styles';

export class PendingBanner extends LitElement {
  static override styles = [baseStyles, pendingBannerStyles];

  private readonly deploy = new StoreController(this, deployContext);

  override render() {
    const deploy = this.deploy.value;
    if (!deploy || deploy.pending.list.length === 0) return nothing;
    return deploy.pending.list.map((p) => this.renderOne(p));
  }

  private renderOne(p: PendingDeployment) {
    const deploy = this.deploy.value!;
    const pending = deploy.pending;
    const layout = p.layoutName ? `${p.layoutName} v${p.layoutVersion}` : p.documentName;
    const error = pending.errors.get(p.target);
    return html`<div class="banner" role="alert" data-testid="pending-banner" data-target=${p.target}>
      <span>Deployment of <b data-testid="pending-banner-layout">${layout}</b> on
        <b data-testid="pending-banner-target">${p.target}</b> reverts in
        <span class="seconds" data-testid="pending-banner-seconds">${p.secondsLeft}</span> s unless kept.</span>
      <button class="primary" data-testid="pending-banner-keep" @click=${async () => {
        if (p.target === deploy.target) await deploy.keep();
        else await pending.keep(p.target);
      }}>Keep</button>
      <button class="danger" data-testid="pending-banner-revert" @click=${async () => {
        if (p.target === deploy.target) await deploy.revertNow();
        else await pending.revertNow(p.target);
      }}>Revert now</button>
      <span class="writes" data-testid="pending-banner-writes">${keepWritesText(pending.writes.get(p.target))}</span>
      ${error ? html`<span class="error" data-testid="pending-banner-error">${error}</span>` : nothing}
    </div>`;
  }
}

customElements.define('mw-pending-banner', PendingBanner);

declare global {
  interface HTMLElementTagNameMap {
    'mw-pending-banner': PendingBanner;
  }
}
