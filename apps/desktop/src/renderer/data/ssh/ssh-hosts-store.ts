// The SSH hosts the user added: add one by `[user@]host[:port]` (the backend reads its host keys at once), see each
// key's SHA256 fingerprint and accept it, fetch the keys again, remove a host (asked first; refused while a
// deployment is live there). A host whose key changed shows both fingerprints and is accepted again only by hand.
// Accepting or removing a host lists the deploy targets again.

import type { MarkwrightApi, SshHostSummary } from '@markwright/api';
import type { ActivityStore } from '../activity/activity-store';
import { DataStore } from '../data-store';
import type { DeployStore } from '../deploy/deploy-store';

/** A refusal that means the box's key changed: the host list then shows what the box offers now. */
const KEY_REFUSED = /host key CHANGED/;

export class SshHostsStore extends DataStore {
  hosts: SshHostSummary[] = [];
  addressText = '';
  /** Why adding failed, beside the address input. */
  addError: string | null = null;
  /** Each host's last failure (accept, fetch, remove), beside the host. */
  hostErrors: Record<string, string> = {};
  /** A host whose removal waits for a yes. */
  removeAsked: string | null = null;
  private loaded = false;
  private seenRefusals = new Set<string>();

  constructor(
    private readonly api: MarkwrightApi,
    private readonly activity: ActivityStore,
    private readonly deploy: DeployStore,
  ) {
    super();
    // A deploy action refused for a changed key: show the key the box offers now, ready to accept.
    deploy.addEventListener('change', () => {
      const refused = Object.values(deploy.errors).filter((m) => m && KEY_REFUSED.test(m));
      const fresh = refused.filter((m) => !this.seenRefusals.has(m));
      for (const m of fresh) this.seenRefusals.add(m);
      if (fresh.length > 0) void this.load();
    });
  }

  /** The host list, the first time it is shown. */
  async show(): Promise<void> {
    if (this.loaded) return;
    this.loaded = true;
    await this.load();
  }

  async load(): Promise<void> {
    const hosts = await this.activity.run('Listing SSH hosts', () => this.api.listSshHosts());
    if (hosts) this.hosts = hosts;
    this.notify();
  }

  setAddress(text: string): void {
    this.addressText = text;
    this.addError = null;
    this.notify();
  }

  /** Adds the host and shows the fingerprints its keys have; nothing is used before they are accepted. */
  async add(): Promise<void> {
    const address = this.addressText.trim();
    if (address === '') {
      this.addError = 'address: type [user@]host[:port]';
      this.notify();
      return;
    }
    const result = await this.activity.attempt(`Reading the host key of ${address}`, () =>
      this.api.addSshHost({ address }),
    );
    if (!result.ok) {
      this.addError = result.message;
      this.notify();
      return;
    }
    this.addressText = '';
    this.addError = null;
    await this.load();
    await this.deploy.refreshTargets();
  }

  /** Accepts exactly the keys shown as offered for this host. */
  async accept(target: string): Promise<void> {
    const host = this.hosts.find((h) => h.target === target);
    if (!host || host.offered.length === 0) return;
    const fingerprints = host.offered.map((k) => k.fingerprint);
    if (
      await this.hostAction(target, 'Accepting the host key', () =>
        this.api.acceptSshHostKey({ target, fingerprints }),
      )
    ) {
      this.activity.setStatus('ok', `${target}: host key accepted (${fingerprints.join(', ')})`);
      await this.load();
      await this.deploy.refreshTargets();
    }
  }

  async fetchKey(target: string): Promise<void> {
    if (await this.hostAction(target, 'Reading the host key', () => this.api.fetchSshHostKey({ target }))) {
      await this.load();
    }
  }

  askRemove(target: string | null): void {
    this.removeAsked = target;
    this.notify();
  }

  async remove(target: string): Promise<void> {
    this.removeAsked = null;
    if (await this.hostAction(target, 'Removing the SSH host', () => this.api.removeSshHost({ target }))) {
      await this.load();
      await this.deploy.refreshTargets();
    }
  }

  private async hostAction(target: string, what: string, call: () => Promise<unknown>): Promise<boolean> {
    const result = await this.activity.attempt(`${what} (${target})`, call);
    const { [target]: _, ...rest } = this.hostErrors;
    this.hostErrors = result.ok ? rest : { ...rest, [target]: result.message };
    this.notify();
    return result.ok;
  }
}
