// Declares a flow once and runs it on every launcher: each gets its own workspace (database, state and root
// folders) and app instance, both removed afterwards. Launchers that cannot run here are skipped with a reason.

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe } from 'vitest';
import type { AppPlace } from './in-netns';
import type { AppSession, LauncherName } from './launcher';
import { LAUNCHERS } from './launchers';
import { createWorkspace, type Workspace } from './workspace';

export interface FlowContext {
  readonly launcher: LauncherName;
  readonly workspace: Workspace;
  readonly session: AppSession;
  /** The current instance's page (a restart replaces it). */
  readonly page: Page;
}

export interface FlowOptions {
  /** Why the whole flow cannot run here (from testkit's `kernelSkip`, which prints it), or null. */
  readonly skip?: string | null;
  /** Where the app runs, asked when it starts (after the file's own beforeAll made the lab). */
  readonly place?: () => AppPlace;
}

export function describeFlow(title: string, options: FlowOptions, body: (ctx: FlowContext) => void): void {
  for (const launcher of LAUNCHERS) {
    describe.skipIf(Boolean(options.skip || launcher.skipReason))(`${title} [${launcher.name}]`, () => {
      let workspace: Workspace | undefined;
      let session: AppSession | undefined;
      const ctx: FlowContext = {
        launcher: launcher.name,
        get workspace() {
          if (!workspace) throw new Error('the flow has not started');
          return workspace;
        },
        get session() {
          if (!session) throw new Error('the app has not started');
          return session;
        },
        get page() {
          if (!session) throw new Error('the app has not started');
          return session.page;
        },
      };
      beforeAll(async () => {
        workspace = createWorkspace(launcher.name, options.place?.());
        session = await launcher.start(workspace);
      });
      afterAll(async () => {
        await session?.close();
        workspace?.dispose();
      });
      body(ctx);
    });
  }
}
