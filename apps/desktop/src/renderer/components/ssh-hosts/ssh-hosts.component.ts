// <mw-ssh-hosts>: the SSH hosts under the deploy view's target chooser. Add `[user@]host[:port]`; each host shows
// its state and the SHA256 fingerprints of its keys, the ones it offers waiting for Accept (first contact, or a
// changed key shown beside the accepted one), Fetch key again, and Remove (asked first). Errors stay beside the
// input or the host they are about.

import type { SshHostKey, SshHostSummary } from '@markwright/api';
import { html, LitElement, nothing } from 'lit';
import { StoreController } from '../../controllers/store-controller';
import { activityContext, sshHostsContext } from '../../data/contexts';
import { baseStyles } from '../../styles/theme';
import { sshHostsStyles } from './ssh-hosts.styles';

const STATE_TEXT: Record<SshHostSummary['state'], string> = {
  unverified: 'key not accepted yet',
  accepted: 'key accepted',
  changed: 'KEY CHANGED: refused until you accept the new one',
};

function keyList(keys: readonly SshHostKey[], testid: string) {
  return keys.map(
    (k) =>
      html`<div class="mono fingerprint" data-testid=${testid}>${k.fingerprint} <span class="muted">(${k.type})</span></div>`,
  );
}

export class SshHosts extends LitElement {
  static override styles = [baseStyles, sshHostsStyles];

  private readonly hosts = new StoreController(this, sshHostsContext, (hosts) => void hosts.show());
  private readonly activity = new StoreController(this, activityContext);

  override render() {
    const store = this.hosts.value;
    if (!store) return nothing;
    const busy = this.activity.value?.busy ?? false;
    return html`<h3>SSH hosts</h3>
      <div class="row">
        <label for="ssh-address">Add</label>
        <input id="ssh-address" class="address mono" type="text" data-testid="ssh-address" placeholder="[user@]host[:port]"
          .value=${store.addressText} aria-invalid=${store.addError ? 'true' : 'false'}
          @input=${(e: Event) => store.setAddress((e.target as HTMLInputElement).value)}
          @keydown=${(e: KeyboardEvent) => e.key === 'Enter' && void store.add()} />
        <button data-testid="ssh-add" ?disabled=${busy} @click=${() => void store.add()}>Add host</button>
      </div>
      ${store.addError ? html`<p class="error" role="alert" data-testid="ssh-add-error">${store.addError}</p>` : nothing}
      ${
        store.hosts.length === 0
          ? html`<p class="muted" data-testid="ssh-none">No SSH hosts. The box's key is shown for you to accept before anything runs there; keys and the agent stay yours, no password is stored.</p>`
          : html`<ul>${store.hosts.map((h) => this.renderHost(h, busy))}</ul>`
      }`;
  }

  private renderHost(host: SshHostSummary, busy: boolean) {
    const store = this.hosts.value!;
    const error = store.hostErrors[host.target];
    const newKey = host.state === 'changed';
    return html`<li data-testid="ssh-host" data-target=${host.target} data-state=${host.state}>
      <div><b class="mono">${host.target}</b> — <span class="state-${host.state}" data-testid="ssh-host-state">${STATE_TEXT[host.state]}</span></div>
      ${host.accepted.length ? html`<div class="muted">accepted:</div>${keyList(host.accepted, 'ssh-accepted-fingerprint')}` : nothing}
      ${host.offered.length ? html`<div class="muted">${newKey ? 'the box now offers:' : 'the box offers (check it on the box with ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub):'}</div>${keyList(host.offered, 'ssh-offered-fingerprint')}` : nothing}
      <div class="row">
        ${
          host.offered.length
            ? html`<button class=${newKey ? 'danger' : 'primary'} data-testid="ssh-accept" ?disabled=${busy}
                @click=${() => void store.accept(host.target)}>${newKey ? 'Accept the new key' : 'Accept this key'}</button>`
            : nothing
        }
        <button data-testid="ssh-fetch-key" ?disabled=${busy} @click=${() => void store.fetchKey(host.target)}>Fetch key again</button>
        ${
          store.removeAsked === host.target
            ? html`<span role="alertdialog" data-testid="ssh-confirm-remove">Remove ${host.target}? Its history stays.
                <button class="danger" data-testid="ssh-remove-yes" @click=${() => void store.remove(host.target)}>Remove</button>
                <button data-testid="ssh-remove-no" @click=${() => store.askRemove(null)}>Cancel</button></span>`
            : html`<button data-testid="ssh-remove" ?disabled=${busy} @click=${() => store.askRemove(host.target)}>Remove…</button>`
        }
      </div>
      ${error ? html`<p class="error" role="alert" data-testid="ssh-host-error">${error}</p>` : nothing}
    </li>`;
  }
}

customElements.define('mw-ssh-hosts', SshHosts);

declare global {
  interface HTMLElementTagNameMap {
    'mw-ssh-hosts': SshHosts;
  }
}
