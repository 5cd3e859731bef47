// The app-wide data, one typed context per domain. The root element provides them; a view asks only for the
// domains it shows (see StoreController).

import { createContext } from '@lit/context';
import type { ActivityStore } from './activity/activity-store';
import type { DeployStore } from './deploy/deploy-store';
import type { DraftStore } from './draft/draft-store';
import type { LayoutsStore } from './layouts/layouts-store';
import type { LintStore } from './lint/lint-store';
import type { SimulationStore } from './simulation/simulation-store';
import type { SshHostsStore } from './ssh/ssh-hosts-store';

export const activityContext = createContext<ActivityStore>(Symbol('markwright-activity'));
export const layoutsContext = createContext<LayoutsStore>(Symbol('markwright-layouts'));
export const draftContext = createContext<DraftStore>(Symbol('markwright-draft'));
export const deployContext = createContext<DeployStore>(Symbol('markwright-deploy'));
export const simulationContext = createContext<SimulationStore>(Symbol('markwright-simulation'));
export const lintContext = createContext<LintStore>(Symbol('markwright-lint'));
export const sshHostsContext = createContext<SshHostsStore>(Symbol('markwright-ssh-hosts'));
