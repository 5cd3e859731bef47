// Every data module of the app, wired to one backend. The root element provides each through its context.

import type { MarkwrightApi } from '@markwright/api';
import { ActivityStore } from './activity/activity-store';
import { DeployStore } from './deploy/deploy-store';
import type { DraftStore } from './draft/draft-store';
import { LayoutsStore } from './layouts/layouts-store';
import { LintStore } from './lint/lint-store';
import { SimulationStore } from './simulation/simulation-store';
import { SshHostsStore } from './ssh/ssh-hosts-store';

export class AppData {
  readonly activity = new ActivityStore();
  readonly layouts: LayoutsStore;
  readonly deploy: DeployStore;
  readonly simulation: SimulationStore;
  readonly lint: LintStore;
  readonly sshHosts: SshHostsStore;

  constructor(readonly api: MarkwrightApi) {
    this.layouts = new LayoutsStore(api, this.activity);
    this.deploy = new DeployStore(api, this.activity, this.layouts.current);
    this.simulation = new SimulationStore(api, this.activity, this.layouts.current, this.deploy);
    this.lint = new LintStore(api, this.layouts.current, this.simulation);
    this.sshHosts = new SshHostsStore(api, this.activity, this.deploy);
  }

  /** The open layout (drafted in the designer and the policy view). */
  get draft(): DraftStore {
    return this.layouts.current;
  }

  /** Loads the layouts list, opens the first layout and starts following pending deployments. */
  start(): Promise<void> {
    this.deploy.pending.start();
    return this.layouts.start();
  }

  dispose(): void {
    this.draft.dispose();
    this.lint.dispose();
    this.deploy.dispose();
  }
}
