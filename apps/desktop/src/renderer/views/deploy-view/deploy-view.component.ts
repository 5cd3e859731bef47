// Deploy: choose a target (this box or a network namespace), probe it, plan the change (the diff and the nft
// check), apply with a visible countdown and Keep / Revert now, and the target's history with rollback.

import type { ApplyResult, DeploymentRecord, DeployStatus, PlanReport } from '@markwright/core';
import { html, LitElement, nothing } from 'lit';
import { CountdownController } from '../../controllers/countdown-controller';
import { StoreController } from '../../controllers/store-controller';
import { baseStyles } from '../../styles/theme';
import { deployViewStyles } from './deploy-view.styles';

/** What the last deploy action ended in; `state` is for tests and assistive tech to tell outcomes apart. */
type Outcome = {
  tone: 'ok' | 'error' | 'info';
  state: 'pending' | 'applied' | 'kept' | 'reverted' | 'rolled-back' | 'other';
  text: string;
} | null;

export class DeployView extends LitElement {
  static override styles = [baseStyles, deployViewStyles];
  static override properties = {
    targets: { state: true },
    target: { state: true },
    plan: { state: true },
    applied: { state: true },
    outcome: { state: true },
    history: { state: true },
    timeoutText: { state: true },
  };

  targets: string[] = [];
  target = 'local';
  plan: PlanReport | null = null;
  applied: ApplyResult | null = null;
  outcome: Outcome = null;
  history: DeploymentRecord[] = [];
  timeoutText = '30';
  private readonly ctl = new StoreController(this);
  private readonly countdown = new CountdownController(
    this,
    () => {
      const api = this.ctl.store?.api;
      return api ? { status: (target) => api.status({ target }) } : undefined;
    },
    (status) => void this.settled(status),
  );
  private loadedTargets = false;

  protected override updated(): void {
    if (!this.loadedTargets && this.ctl.store) {
      this.loadedTargets = true;
      void this.loadTargets();
    }
  }

  private get api() {
    return this.ctl.store!.api;
  }

  private async loadTargets(): Promise<void> {
    const list = await this.ctl.store!.run('Listing targets', () => this.api.listTargets());
    if (!list) return;
    this.targets = list;
    if (!list.includes(this.target)) this.target = list[0] ?? 'local';
    await this.refreshHistory();
    await this.resumePending();
  }

  /** A deployment may already be waiting for confirmation (e.g. after the window was reopened). */
  private async resumePending(): Promise<void> {
    const status = await this.ctl.store!.run('Reading status', () =>
      this.api.status({ target: this.target }),
    );
    if (status?.pending) {
      this.outcome = { tone: 'info', state: 'pending', text: 'A deployment is waiting for confirmation' };
      this.countdown.follow(this.target);
    }
  }

  private async changeTarget(target: string): Promise<void> {
    this.countdown.stop();
    this.target = target;
    this.plan = null;
    this.applied = null;
    this.outcome = null;
    await this.refreshHistory();
    await this.resumePending();
  }

  private async refreshHistory(): Promise<void> {
    const list = await this.ctl.store!.run('Reading history', () =>
      this.api.history({ target: this.target }),
    );
    if (list) this.history = list;
  }

  private blockedReason(): string | null {
    const store = this.ctl.store;
    if (!store?.draft || !store.openLayout) return 'Open a saved layout first.';
    if (Object.keys(store.problems).length > 0 || store.check?.valid === false) {
      return 'The layout has errors: fix them in the designer first.';
    }
    if (store.dirty) return 'The layout has unsaved changes: save it first.';
    return null;
  }

  private async doPlan(): Promise<void> {
    const open = this.ctl.store?.openLayout;
    if (!open || this.blockedReason()) return;
    const plan = await this.ctl.store!.run('Planning', () =>
      this.api.plan({ name: open.name, version: open.version, target: this.target }),
    );
    if (plan) this.plan = plan;
  }

  private timeoutSeconds(): number | null {
    const t = this.timeoutText.trim();
    return /^[0-9]{1,4}$/.test(t) && Number(t) >= 1 && Number(t) <= 3600 ? Number(t) : null;
  }

  private async doApply(): Promise<void> {
    const open = this.ctl.store?.openLayout;
    const timeout = this.timeoutSeconds();
    if (!open || timeout === null || this.blockedReason()) return;
    const result = await this.ctl.store!.run('Applying', () =>
      this.api.apply({
        name: open.name,
        version: open.version,
        target: this.target,
        confirmTimeout: timeout,
      }),
    );
    if (!result) return;
    this.applied = result;
    if (result.confirmDeadline !== null) {
      this.outcome = {
        tone: 'info',
        state: 'pending',
        text: 'Applied: keep it before the countdown ends, or it is undone',
      };
      this.countdown.follow(this.target);
    } else {
      this.outcome = { tone: 'ok', state: 'applied', text: `Applied (${result.deployment.outcome})` };
    }
    await this.refreshHistory();
  }

  private async keep(): Promise<void> {
    const record = await this.ctl.store!.run('Confirming', () => this.api.confirm({ target: this.target }));
    if (!record) return;
    this.countdown.stop();
    this.outcome = { tone: 'ok', state: 'kept', text: `Kept: deployment ${record.id} confirmed` };
    await this.refreshHistory();
  }

  private async revertNow(): Promise<void> {
    const record = await this.ctl.store!.run('Reverting', () => this.api.rollback({ target: this.target }));
    if (!record) return;
    this.countdown.stop();
    this.outcome = { tone: 'ok', state: 'reverted', text: 'Reverted: the previous state is back' };
    await this.refreshHistory();
  }

  private async rollbackTo(id: string): Promise<void> {
    const record = await this.ctl.store!.run('Rolling back', () =>
      this.api.rollback({ target: this.target, to: id }),
    );
    if (!record) return;
    this.outcome = { tone: 'ok', state: 'rolled-back', text: `Rolled back to deployment ${id}` };
    await this.refreshHistory();
  }

  private async settled(status: DeployStatus): Promise<void> {
    await this.refreshHistory();
    const id = this.applied?.deployment.id;
    const record = this.history.find((r) => r.id === id) ?? status.last;
    if (record?.outcome === 'reverted') {
      this.outcome = {
        tone: 'error',
        state: 'reverted',
        text: 'Reverted: the countdown ran out and the previous state is back',
      };
    } else if (record?.outcome === 'confirmed') {
      this.outcome = { tone: 'ok', state: 'kept', text: `Kept: deployment ${record.id} confirmed` };
    } else {
      this.outcome = {
        tone: 'info',
        state: 'other',
        text: `No longer pending (${record?.outcome ?? status.state})`,
      };
    }
  }

  override render() {
    const store = this.ctl.store;
    if (!store) return nothing;
    const blocked = this.blockedReason();
    const timeout = this.timeoutSeconds();
    const pending = this.countdown.active && this.countdown.secondsLeft !== null;
    return html`
      <div class="col">
        <div class="panel">
          <h2>Target</h2>
          <div class="row">
            <label for="target">Deploy to</label>
            <select id="target" data-testid="target" @change=${(e: Event) => void this.changeTarget((e.target as HTMLSelectElement).value)}>
              ${this.targets.map((t) => html`<option value=${t} ?selected=${t === this.target}>${t === 'local' ? 'this box (local)' : t}</option>`)}
            </select>
            <button data-testid="probe" @click=${() => void store.probeTarget(this.target)}>Probe</button>
          </div>
          ${this.renderProbe()}
        </div>
        <div class="panel">
          <h2>Layout</h2>
          ${store.openLayout ? html`<p data-testid="deploy-layout">${store.openLayout.name} v${store.openLayout.version}</p>` : nothing}
          ${blocked ? html`<p class="error" data-testid="deploy-blocked">${blocked}</p>` : nothing}
          <div class="row">
            <button data-testid="plan" ?disabled=${blocked !== null || store.busy} @click=${() => void this.doPlan()}>Plan</button>
            <label for="timeout">revert after</label>
            <input id="timeout" class="num" type="text" data-testid="confirm-timeout" .value=${this.timeoutText}
              aria-invalid=${timeout === null ? 'true' : 'false'} @input=${(e: Event) => {
                this.timeoutText = (e.target as HTMLInputElement).value;
              }} />
            <span>s</span>
            <button class="primary" data-testid="apply" ?disabled=${blocked !== null || timeout === null || pending || store.busy}
              @click=${() => void this.doApply()}>Apply</button>
          </div>
          ${timeout === null ? html`<p class="error" data-testid="confirm-timeout-error">"${this.timeoutText}" is not 1 to 3600 seconds</p>` : nothing}
        </div>
        ${this.renderPending(pending)}
      </div>
      <div class="col">
        ${this.renderPlan()}
        ${this.renderHistory()}
      </div>
    `;
  }

  private renderProbe() {
    const probe = this.ctl.store?.probe;
    if (!probe || probe.target !== this.target)
      return html`<p class="muted">Probe to see the tools and the bits in use there.</p>`;
    const t = probe.tools;
    return html`<dl data-testid="probe-summary">
      <dt>nft</dt><dd>${t.nft ?? 'missing'}</dd>
      <dt>iptables</dt><dd>${t.iptables ? `${t.iptables} (${t.iptablesBackend})` : 'missing'}</dd>
      <dt>ip / tc</dt><dd>${t.ip ?? 'missing'} / ${t.tc ?? 'missing'}</dd>
      <dt>fwmark in use</dt><dd class="mono" data-testid="probe-fwmark">${probe.bitsInUse.fwmark}</dd>
      <dt>ct mark in use</dt><dd class="mono" data-testid="probe-ctmark">${probe.bitsInUse.ctmark}</dd>
      <dt>consumers</dt><dd data-testid="probe-consumers">${probe.consumers.length === 0 ? 'none recognised' : probe.consumers.map((c) => html`<div title=${c.evidence.join('\n')}>${c.consumer} <span class="mono muted">${c.fwmarkBits}</span></div>`)}</dd>
      <dt>ours</dt><dd>${probe.owned.table ? 'table inet markwright' : 'no table'}, ${probe.owned.ipRules} ip rules, ${probe.owned.tcFilters} tc filters</dd>
    </dl>`;
  }

  private renderPending(pending: boolean) {
    const outcome = this.outcome;
    return html`<div class="panel ${pending ? 'pending' : ''}">
      <h2>Confirmation</h2>
      ${
        pending
          ? html`<p>Reverting in <span class="countdown" data-testid="countdown">${this.countdown.secondsLeft}</span> s unless kept.</p>
              <div class="row">
                <button class="primary" data-testid="keep" @click=${() => void this.keep()}>Keep</button>
                <button class="danger" data-testid="revert-now" @click=${() => void this.revertNow()}>Revert now</button>
              </div>`
          : nothing
      }
      ${outcome ? html`<p class="outcome ${outcome.tone === 'error' ? 'error' : ''}" data-testid="deploy-outcome" data-state=${outcome.state} role="status">${outcome.text}</p>` : html`<p class="muted">Nothing pending.</p>`}
    </div>`;
  }

  private renderPlan() {
    const plan = this.plan;
    if (!plan)
      return html`<div class="panel"><h2>Plan</h2><p class="muted">Plan to see what would change.</p></div>`;
    const changed = plan.changes.filter((c) => c.action !== 'keep').length;
    return html`<div class="panel" data-testid="plan-report">
      <h2>Plan for ${plan.target}: ${changed} change${changed === 1 ? '' : 's'}</h2>
      <p data-testid="plan-check" class=${plan.check.ok ? '' : 'error'}>nft check: ${plan.check.ok ? 'ok' : plan.check.message}</p>
      <pre class="changes" data-testid="plan-changes">${plan.changes.map(
        (c) =>
          html`<div class=${c.action}>${c.action === 'add' ? '+' : c.action === 'remove' ? '-' : ' '} [${c.kind}] ${c.text}</div>`,
      )}</pre>
    </div>`;
  }

  private renderHistory() {
    return html`<div class="panel" data-testid="history">
      <h2>History on ${this.target}</h2>
      ${
        this.history.length === 0
          ? html`<p class="muted">No deployments yet.</p>`
          : html`<table>
              <tr><th>id</th><th>layout</th><th>applied</th><th>outcome</th><th></th></tr>
              ${this.history.map(
                (r) => html`<tr data-testid="history-${r.id}">
                  <td class="mono">${r.id}</td><td>${r.documentName}</td>
                  <td class="muted">${new Date(r.appliedAt).toLocaleString()}</td>
                  <td data-testid="history-${r.id}-outcome">${r.outcome}</td>
                  <td><button data-testid="rollback-${r.id}" ?disabled=${this.countdown.active}
                    @click=${() => void this.rollbackTo(r.id)}>Roll back to this</button></td>
                </tr>`,
              )}
            </table>`
      }
    </div>`;
  }
}

customElements.define('mw-deploy-view', DeployView);

declare global {
  interface HTMLElementTagNameMap {
    'mw-deploy-view': DeployView;
  }
}
