// The backend as the shells use it: a store on disk, the service over it, and the validating dispatcher.

import { Store } from '../store/store';
import { coreTools, type DocumentTools } from './core-tools';
import { createDispatcher, type Dispatch } from './dispatch';
import { HelperHostBridge } from './helper-host-bridge';
import type { HostBridge } from './host-bridge';
import { MarkwrightService } from './service';
import { SshHostBridge } from './ssh-host-bridge';
import { SshHosts } from './ssh-hosts';

export * from './core-tools';
export * from './dispatch';
export * from './errors';
export * from './helper-host-bridge';
export * from './host-bridge';
export * from './service';
export * from './ssh-host-bridge';
export * from './ssh-hosts';

export interface BackendOptions {
  readonly dbPath: string;
  /** Defaults to the privileged helper (beside the CLI bundle at `cliPath` when the app runs as root). */
  readonly host?: HostBridge;
  readonly cliPath?: string;
  readonly stateDir?: string;
  readonly rootDir?: string;
  readonly tools?: DocumentTools;
  /**
   * The known_hosts file written from the database's accepted SSH host keys (default: beside the database,
   * `<db>.known_hosts`; an in-memory database has SSH hosts only when this is given).
   */
  readonly knownHostsPath?: string;
  /** Run the ssh client in this network namespace, and copy this helper bundle to boxes (tests). */
  readonly sshNetns?: string;
  readonly bundleDir?: string | null;
}

export interface Backend {
  readonly store: Store;
  readonly service: MarkwrightService;
  readonly dispatch: Dispatch;
  close(): void;
}

export function createBackend(options: BackendOptions): Backend {
  const host =
    options.host ??
    new HelperHostBridge({
      ...(options.cliPath === undefined ? {} : { cliPath: options.cliPath }),
      ...(options.stateDir === undefined ? {} : { stateDir: options.stateDir }),
      ...(options.rootDir === undefined ? {} : { rootDir: options.rootDir }),
    });
  const store = Store.open(options.dbPath);
  const knownHostsPath =
    options.knownHostsPath ?? (options.dbPath === ':memory:' ? undefined : `${options.dbPath}.known_hosts`);
  // With an SSH host the state and root folders name the box's, as --state-dir and --root-dir do in the CLI.
  const ssh =
    knownHostsPath === undefined
      ? undefined
      : new SshHosts(store, {
          knownHostsPath,
          ...(options.sshNetns === undefined ? {} : { netns: options.sshNetns }),
          ...(options.stateDir === undefined ? {} : { stateDir: options.stateDir }),
          ...(options.rootDir === undefined ? {} : { rootDir: options.rootDir }),
          ...(options.bundleDir === undefined ? {} : { bundleDir: options.bundleDir }),
        });
  const bridge = ssh ? new SshHostBridge(host, ssh) : host;
  const service = new MarkwrightService({
    store,
    tools: options.tools ?? coreTools,
    host: bridge,
    ...(ssh ? { ssh } : {}),
  });
  return {
    store,
    service,
    dispatch: createDispatcher(service),
    close: () => {
      void bridge.close?.();
      store.close();
    },
  };
}
