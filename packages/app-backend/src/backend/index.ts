// The backend as the shells use it: a store on disk, the service over it, and the validating dispatcher.

import { Store } from '../store/store';
import { coreTools, type DocumentTools } from './core-tools';
import { createDispatcher, type Dispatch } from './dispatch';
import { HelperHostBridge } from './helper-host-bridge';
import type { HostBridge } from './host-bridge';
import { MarkwrightService } from './service';

export * from './core-tools';
export * from './dispatch';
export * from './errors';
export * from './helper-host-bridge';
export * from './host-bridge';
export * from './service';

export interface BackendOptions {
  readonly dbPath: string;
  /** Defaults to the privileged helper (beside the CLI bundle at `cliPath` when the app runs as root). */
  readonly host?: HostBridge;
  readonly cliPath?: string;
  readonly stateDir?: string;
  readonly rootDir?: string;
  readonly tools?: DocumentTools;
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
  const service = new MarkwrightService({ store, tools: options.tools ?? coreTools, host });
  return {
    store,
    service,
    dispatch: createDispatcher(service),
    close: () => {
      void host.close?.();
      store.close();
    },
  };
}
