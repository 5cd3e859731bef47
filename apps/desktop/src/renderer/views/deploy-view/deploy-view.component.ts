// Deploy: choose a target (this box or a network namespace), probe it, plan the change (the diff and the nft
// check), apply with a visible countdown and Keep / Revert now, and the target's history with rollback.

import { html, LitElement, nothing } from 'lit';
import { StoreController } from '../../controllers/store-controller';
import { activityContext, deployContext, draftContext } from '../../data/contexts';
import { viewStyles } from '../../styles/layout';
import { baseStyles } from '../../styles/theme';
import { deployViewStyles } from './deploy-view.styles';

export class DeployView extends LitElement {
  static override styles = [baseStyles, ...viewStyles, deployViewStyles];

  private readonly deploy = new StoreController(this, deployContext, (deploy) => void deploy.show());
  private readonly layout = new StoreController(this, draftContext);
  private readonly activity = new StoreController(this, activityContext);

  override render() {
    const deploy = this.deploy.value;
    const layout = this.layout.value;
    const busy = this.activity.value?.busy ?? false;
    if (!deploy || !layout) return nothing;
    const blocked = deploy.blockedReason;
    const timeoutProblem = deploy.timeoutProblem;
    const pending = deploy.pending;
    return html`
      <div class="col">
        <div class="panel">
          <h2>Target</h2>
          <div class="row">
            <label for="target">Deploy to</label>
            <select id="target" data-testid="target" @change=${(e: Event) => void deploy.chooseTarget((e.target as HTMLSelectElement).value)}>
              ${deploy.targets.map((t) => html`<option value=${t} ?selected=${t === deploy.target}>${t === 'local' ? 'this box (local)' : t}</option>`)}
            </select>
            <button data-testid="probe" @click=${() => void deploy.probeTarget()}>Probe</button>
          </div>
          ${this.renderProbe()}
        </div>
        <div class="panel">
          <h2>Layout</h2>
          ${layout.openLayout ? html`<p data-testid="deploy-layout">${layout.openLayout.name} v${layout.openLayout.version}</p>` : nothing}
          ${blocked ? html`<p class="error" data-testid="deploy-blocked">${blocked}</p>` : nothing}
          <div class="row">
            <button data-testid="plan" ?disabled=${blocked !== null || busy} @click=${() => void deploy.makePlan()}>Plan</button>
            <label for="timeout">revert after</label>
            <input id="timeout" class="num" type="text" data-testid="confirm-timeout" .value=${deploy.timeoutText}
              aria-invalid=${timeoutProblem ? 'true' : 'false'}
              @input=${(e: Event) => deploy.setTimeoutText((e.target as HTMLInputElement).value)} />
            <span>s</span>
            <button class="primary" data-testid="apply" ?disabled=${blocked !== null || timeoutProblem !== null || pending || busy}
              @click=${() => void deploy.apply()}>Apply</button>
          </div>
          ${timeoutProblem ? html`<p class="error" data-testid="confirm-timeout-error">${timeoutProblem}</p>` : nothing}
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
    const probe = this.deploy.value?.targetProbe;
    if (!probe) return html`<p class="muted">Probe to see the tools and the bits in use there.</p>`;
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
    const deploy = this.deploy.value!;
    const outcome = deploy.outcome;
    return html`<div class="panel ${pending ? 'pending' : ''}">
      <h2>Confirmation</h2>
      ${
        pending
          ? html`<p>Reverting in <span class="countdown" data-testid="countdown">${deploy.watch.secondsLeft}</span> s unless kept.</p>
              <div class="row">
                <button class="primary" data-testid="keep" @click=${() => void deploy.keep()}>Keep</button>
                <button class="danger" data-testid="revert-now" @click=${() => void deploy.revertNow()}>Revert now</button>
              </div>`
          : nothing
      }
      ${outcome ? html`<p class="outcome ${outcome.tone === 'error' ? 'error' : ''}" data-testid="deploy-outcome" data-state=${outcome.state} role="status">${outcome.text}</p>` : html`<p class="muted">Nothing pending.</p>`}
    </div>`;
  }

  private renderPlan() {
    const plan = this.deploy.value?.plan;
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
      ${this.renderImpact()}
    </div>`;
  }

  /** Which live connections the plan would move or break, grouped by the policy rule behind it. */
  private renderImpact() {
    const impact = this.deploy.value?.impact;
    if (!impact) return html`<p class="muted">Live connections: reading…</p>`;
    const changed = impact.changed;
    return html`<div data-testid="plan-impact">
      <h3>Live connections: ${changed.length} of ${impact.connections} would change</h3>
      <ul>${(impact.groups ?? []).map((g) => html`<li data-testid="impact-group">${g.summary}</li>`)}</ul>
      ${
        changed.length
          ? html`<table>
              <tr><th>connection</th><th>before</th><th>after</th></tr>
              ${changed.slice(0, 50).map(
                (c) => html`<tr class=${c.breaks ? 'error' : ''} data-testid="impact-change">
                  <td class="mono">${c.flow.proto} ${c.flow.saddr}:${c.flow.sport ?? '-'} → ${c.flow.daddr}:${c.flow.dport ?? '-'}</td>
                  <td>${c.before.verdict} via ${c.before.oif ?? '—'} (table ${c.before.table ?? '—'})</td>
                  <td>${c.breaks ? html`<b>breaks</b> ` : nothing}${c.after.verdict} via ${c.after.oif ?? '—'} (table ${c.after.table ?? '—'})</td>
                </tr>`,
              )}
            </table>`
          : nothing
      }
    </div>`;
  }

  private renderHistory() {
    const deploy = this.deploy.value!;
    return html`<div class="panel" data-testid="history">
      <h2>History on ${deploy.target}</h2>
      ${
        deploy.history.length === 0
          ? html`<p class="muted">No deployments yet.</p>`
          : html`<table>
              <tr><th>id</th><th>layout</th><th>applied</th><th>outcome</th><th></th></tr>
              ${deploy.history.map(
                (r) => html`<tr data-testid="history-${r.id}">
                  <td class="mono">${r.id}</td><td>${r.documentName}</td>
                  <td class="muted">${new Date(r.appliedAt).toLocaleString()}</td>
                  <td data-testid="history-${r.id}-outcome">${r.outcome}</td>
                  <td><button data-testid="rollback-${r.id}" ?disabled=${deploy.watch.active}
                    @click=${() => void deploy.rollbackTo(r.id)}>Roll back to this</button></td>
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
