// Deploy: choose the layout's target (remembered per layout; SSH hosts are added and their keys accepted here),
// probe it, choose the saved version, plan exactly that version for exactly that target (Apply waits for it), apply
// with a visible countdown and Keep / Revert now, the target's history with the live deployment and rollback, and
// uninstall. Each error stays beside its cause.

import type { Hazard } from '@markwright/core';
import { html, LitElement, nothing } from 'lit';
import { StoreController } from '../../controllers/store-controller';
import { activityContext, deployContext, draftContext } from '../../data/contexts';
import type { DeployAction } from '../../data/deploy/deploy-store';
import { keepWritesText } from '../../data/deploy/pending-store';
import { viewStyles } from '../../styles/layout';
import { baseStyles } from '../../styles/theme';
import '../../components/ssh-hosts/ssh-hosts.component';
import { renderHistory, renderPlan } from './deploy-view.parts';
import { deployViewStyles } from './deploy-view.styles';

export class DeployView extends LitElement {
  static override styles = [baseStyles, ...viewStyles, deployViewStyles];

  private readonly deploy = new StoreController(this, deployContext, (deploy) => void deploy.show());
  private readonly layout = new StoreController(this, draftContext);
  private readonly activity = new StoreController(this, activityContext);

  private error(action: DeployAction) {
    const message = this.deploy.value?.errors[action];
    return message
      ? html`<p class="error" role="alert" data-testid="${action}-error">${message}</p>`
      : nothing;
  }

  override render() {
    const deploy = this.deploy.value;
    const layout = this.layout.value;
    const busy = this.activity.value?.busy ?? false;
    if (!deploy || !layout) return nothing;
    const blocked = deploy.blockedReason;
    const applyBlocked = deploy.applyBlockedReason;
    const timeoutProblem = deploy.timeoutProblem;
    const open = layout.openLayout;
    return html`
      <div class="col">
        <div class="panel">
          <h2>Target</h2>
          <div class="row">
            <label for="target">Deploy to</label>
            <select id="target" data-testid="target" ?disabled=${!open}
              @change=${(e: Event) => void deploy.chooseTarget((e.target as HTMLSelectElement).value)}>
              <option value="" disabled ?selected=${deploy.target === null}>choose a target…</option>
              ${this.targetChoices().map((t) => html`<option value=${t} ?selected=${t === deploy.target}>${t === 'local' ? 'this box (local)' : t}</option>`)}
            </select>
            <button data-testid="probe" ?disabled=${deploy.target === null || busy} @click=${() => void deploy.probeTarget()}>Probe</button>
          </div>
          ${deploy.target === null && open ? html`<p class="muted" data-testid="target-unset">No target chosen for ${open.name} yet: nothing is deployed until you choose one.</p>` : nothing}
          ${this.error('target')} ${this.error('probe')}
          ${this.renderProbe()}
          <mw-ssh-hosts></mw-ssh-hosts>
        </div>
        <div class="panel">
          <h2>Layout</h2>
          ${open ? this.renderVersion() : nothing}
          ${blocked ? html`<p class="error" data-testid="deploy-blocked">${blocked}</p>` : nothing}
          <div class="row">
            <button data-testid="plan" ?disabled=${blocked !== null || busy} @click=${() => void deploy.makePlan()}>Plan</button>
            <label for="timeout">revert after</label>
            <input id="timeout" class="num" type="text" data-testid="confirm-timeout" .value=${deploy.timeoutText}
              aria-invalid=${timeoutProblem ? 'true' : 'false'}
              @input=${(e: Event) => deploy.setTimeoutText((e.target as HTMLInputElement).value)} />
            <span>s</span>
            <button class="primary" data-testid="apply" ?disabled=${applyBlocked !== null || busy}
              title=${applyBlocked ?? 'Apply the plan shown'} @click=${() => void deploy.apply()}>Apply</button>
          </div>
          <div class="row check">
            <input id="verify" type="checkbox" data-testid="confirm-verified" .checked=${deploy.verify}
              @change=${(e: Event) => deploy.setVerify((e.target as HTMLInputElement).checked)} />
            <label for="verify" title="After the change, one test packet per policy rule goes through the box; kept at once when every one ends as the document says, reverted at once otherwise">Confirm when verified (check the box, keep or revert at once)</label>
          </div>
          ${
            deploy.verify && deploy.target !== null
              ? html`<p class="muted" data-testid="verified-writes">When the box agrees, the deployment is kept at once. ${keepWritesText(deploy.pending.writes.get(deploy.target))}</p>`
              : nothing
          }
          ${timeoutProblem ? html`<p class="error" data-testid="confirm-timeout-error">${timeoutProblem}</p>` : nothing}
          ${applyBlocked && !blocked && !timeoutProblem ? html`<p class="muted" data-testid="apply-blocked">${applyBlocked}</p>` : nothing}
          ${this.error('plan')} ${this.error('apply')}
        </div>
        ${this.renderPending()}
        ${this.renderUninstall()}
      </div>
      <div class="col">
        ${renderPlan(deploy)}
        ${renderHistory(deploy)}
      </div>
    `;
  }

  /**
   * The targets to choose from, with the chosen one even before the list is read (or when it is gone from the
   * list): the select never shows "choose a target…" for a layout that has one.
   */
  private targetChoices(): readonly string[] {
    const { targets, target } = this.deploy.value!;
    return target === null || targets.includes(target) ? targets : [...targets, target];
  }

  private renderVersion() {
    const deploy = this.deploy.value!;
    const open = this.layout.value!.openLayout!;
    const versions = deploy.versions.length ? deploy.versions : [{ version: open.version, note: null }];
    return html`<div class="row">
      <label for="version">Version</label>
      <select id="version" data-testid="deploy-version"
        @change=${(e: Event) => deploy.chooseVersion(Number((e.target as HTMLSelectElement).value))}>
        ${versions.map((v) => html`<option value=${v.version} ?selected=${v.version === deploy.version}>v${v.version}${v.version === open.version ? ' (open)' : ''}${v.note ? ` — ${v.note}` : ''}</option>`)}
      </select>
    </div>
    <p data-testid="deploy-layout">${open.name} v${deploy.version}</p>`;
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
      ${
        probe.secmark
          ? html`<dt>security labels</dt><dd data-testid="probe-secmark" class=${this.secmarkTone(probe.secmark.accepted)}>
              ${probe.secmark.accepted ? 'can be deployed' : 'cannot be deployed'}: ${probe.secmark.reason}</dd>`
          : nothing
      }
    </dl>
    ${this.renderHazards(probe.hazards ?? [])}`;
  }

  /** Labels the box refuses are an error only for a layout that has labels; otherwise it is only information. */
  private secmarkTone(accepted: boolean): string {
    if (accepted) return '';
    return (this.layout.value?.draft?.labels.length ?? 0) > 0 ? 'error' : 'muted';
  }

  /** What on the target would silently undo a deployment, each with the change that prevents it. */
  private renderHazards(hazards: readonly Hazard[]) {
    if (hazards.length === 0) return nothing;
    return html`<h3>Hazards</h3>
      <ul class="hazards" data-testid="probe-hazards">
        ${hazards.map(
          (h) => html`<li data-testid="hazard-${h.id}">
            <div class="error">${h.what}</div>
            <div><b>Fix:</b> ${h.fix}</div>
            <div class="muted mono">${h.evidence}</div>
          </li>`,
        )}
      </ul>`;
  }

  private renderPending() {
    const deploy = this.deploy.value!;
    const outcome = deploy.shownOutcome;
    const left = deploy.secondsLeft;
    return html`<div class="panel ${left !== null ? 'pending' : ''}">
      <h2>Confirmation</h2>
      ${
        left !== null && deploy.target !== null
          ? html`<p>Reverting in <span class="countdown" data-testid="countdown">${left}</span> s unless kept.</p>
              <p class="muted" data-testid="keep-writes">${keepWritesText(deploy.pending.writes.get(deploy.target))}</p>
              <div class="row">
                <button class="primary" data-testid="keep" @click=${() => void deploy.keep()}>Keep</button>
                <button class="danger" data-testid="revert-now" @click=${() => void deploy.revertNow()}>Revert now</button>
              </div>`
          : nothing
      }
      ${this.error('keep')} ${this.error('revert')}
      ${this.renderVerification()}
      ${outcome ? html`<p class="outcome ${outcome.tone === 'error' ? 'error' : ''}" data-testid="deploy-outcome" data-state=${outcome.state} role="status">${outcome.text}</p>` : html`<p class="muted">Nothing pending.</p>`}
    </div>`;
  }

  /** The last live check: how many rules agreed, and each disagreement as expected vs seen. */
  private renderVerification() {
    const check = this.deploy.value?.verification;
    if (!check) return nothing;
    const sent = check.rules.filter((r) => !r.skipped).length;
    return html`<div data-testid="verification">
      <p class=${check.ok ? '' : 'error'}>Live check: ${sent} rule packet${sent === 1 ? '' : 's'} sent, ${check.disagreements.length} disagreement${check.disagreements.length === 1 ? '' : 's'}.</p>
      ${
        check.disagreements.length
          ? html`<table>
              <tr><th>rule</th><th>field</th><th>expected</th><th>seen</th></tr>
              ${check.disagreements.map(
                (d) => html`<tr class="error" data-testid="verify-disagreement">
                  <td>${d.rule}</td><td class="mono">${d.field}</td><td class="mono">${d.expected}</td><td class="mono">${d.seen}</td>
                </tr>`,
              )}
            </table>`
          : nothing
      }
      ${check.rules.filter((r) => r.skipped).map((r) => html`<p class="muted">${r.rule}: not checked (${r.skipped})</p>`)}
    </div>`;
  }

  private renderUninstall() {
    const deploy = this.deploy.value!;
    const target = deploy.target;
    if (target === null) return nothing;
    return html`<div class="panel">
      <h2>Uninstall</h2>
      ${
        deploy.uninstallAsked
          ? html`<div role="alertdialog" aria-labelledby="uninstall-title" data-testid="confirm-uninstall">
              <p id="uninstall-title">Remove every rule and boot file Markwright installed on ${target}? The history stays.</p>
              <div class="row">
                <button class="danger" data-testid="confirm-uninstall-yes" @click=${() => void deploy.uninstall()}>Uninstall</button>
                <button data-testid="confirm-uninstall-no" @click=${() => deploy.askUninstall(false)}>Cancel</button>
              </div>
            </div>`
          : html`<button class="danger" data-testid="uninstall" ?disabled=${this.activity.value?.busy ?? false}
              @click=${() => deploy.askUninstall(true)}>Uninstall from ${target}…</button>`
      }
      ${this.error('uninstall')}
    </div>`;
  }
}

customElements.define('mw-deploy-view', DeployView);

declare global {
  interface HTMLElementTagNameMap {
    'mw-deploy-view': DeployView;
  }
}
