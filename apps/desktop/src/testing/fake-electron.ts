// A stand-in for the `electron` module in unit tests (vi.mock('electron', ...)): records what the main process
// registers and lets a test play the renderer (ipcRenderer.invoke with a chosen sender frame) and the user
// (navigation, pop-ups, permission prompts).

type Listener = (...args: unknown[]) => void;

class Emitter {
  private readonly listeners = new Map<string, Listener[]>();
  clear(): void {
    this.listeners.clear();
  }
  on(event: string, listener: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  once(event: string, listener: Listener): this {
    return this.on(event, listener);
  }
  emit(event: string, ...args: unknown[]): void {
    for (const listener of this.listeners.get(event) ?? []) listener(...args);
  }
  listenerCount(event: string): number {
    return this.listeners.get(event)?.length ?? 0;
  }
}

/** An event whose default the handler may prevent, as Electron's navigation events. */
export function preventable(url = 'https://example.com/') {
  return {
    url,
    defaultPrevented: false,
    preventDefault() {
      this.defaultPrevented = true;
    },
  };
}

export interface FakeFrame {
  url: string;
  parent: FakeFrame | null;
}

type Handler = (event: { senderFrame: FakeFrame | null }, argument: unknown) => unknown;

export const fake = {
  calls: [] as string[],
  handlers: new Map<string, Handler>(),
  mainWorld: {} as Record<string, unknown>,
  windows: [] as FakeBrowserWindow[],
  schemes: [] as unknown[],
  protocolHandlers: new Map<string, (request: Request) => Response | Promise<Response>>(),
  permissionRequest: undefined as undefined | ((c: unknown, p: string, cb: (ok: boolean) => void) => void),
  permissionCheck: undefined as undefined | ((...args: unknown[]) => boolean),
  beforeRequest: undefined as
    | undefined
    | ((d: { url: string }, cb: (r: { cancel: boolean }) => void) => void),
  errorBoxes: [] as { title: string; content: string }[],
  exitCode: undefined as number | undefined,
  /** The frame the next ipcRenderer.invoke claims to come from. */
  senderFrame: { url: 'app://markwright/index.html', parent: null } as FakeFrame | null,
  reset(): void {
    fake.calls = [];
    fake.handlers.clear();
    fake.mainWorld = {};
    fake.windows = [];
    fake.schemes = [];
    fake.protocolHandlers.clear();
    fake.permissionRequest = undefined;
    fake.permissionCheck = undefined;
    fake.beforeRequest = undefined;
    fake.errorBoxes = [];
    fake.exitCode = undefined;
    fake.senderFrame = { url: 'app://markwright/index.html', parent: null };
    app.clear();
  },
};

class FakeApp extends Emitter {
  enableSandbox(): void {
    fake.calls.push('app.enableSandbox');
  }
  async whenReady(): Promise<void> {
    fake.calls.push('app.whenReady');
  }
  quit(): void {
    fake.calls.push('app.quit');
  }
  exit(code: number): void {
    fake.exitCode = code;
  }
}

export const app = new FakeApp();

class FakeWebContents extends Emitter {
  windowOpenHandler: ((details: { url: string }) => { action: string }) | undefined;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
}

export class FakeBrowserWindow extends Emitter {
  readonly webContents = new FakeWebContents();
  loadedUrl: string | undefined;
  shown = false;
  constructor(readonly options: Record<string, unknown>) {
    super();
    fake.windows.push(this);
    app.emit('web-contents-created', {}, this.webContents);
  }
  async loadURL(url: string): Promise<void> {
    this.loadedUrl = url;
  }
  show(): void {
    this.shown = true;
  }
}
export { FakeBrowserWindow as BrowserWindow };

export const ipcMain = {
  handle(channel: string, handler: Handler): void {
    if (fake.handlers.has(channel))
      throw new Error(`Attempted to register a second handler for '${channel}'`);
    fake.handlers.set(channel, handler);
  },
  removeHandler(channel: string): void {
    fake.handlers.delete(channel);
  },
};

/** Arguments and results cross the process boundary by structured clone, as in Electron. */
export const ipcRenderer = {
  async invoke(channel: string, argument: unknown): Promise<unknown> {
    const handler = fake.handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    return structuredClone(await handler({ senderFrame: fake.senderFrame }, structuredClone(argument)));
  },
};

export const contextBridge = {
  exposeInMainWorld(key: string, api: unknown): void {
    fake.mainWorld[key] = api;
  },
};

export const session = {
  defaultSession: {
    setPermissionRequestHandler(handler: typeof fake.permissionRequest): void {
      fake.permissionRequest = handler;
    },
    setPermissionCheckHandler(handler: typeof fake.permissionCheck): void {
      fake.permissionCheck = handler;
    },
    webRequest: {
      onBeforeRequest(handler: typeof fake.beforeRequest): void {
        fake.beforeRequest = handler;
      },
    },
  },
};

export const protocol = {
  registerSchemesAsPrivileged(schemes: unknown[]): void {
    fake.calls.push('protocol.registerSchemesAsPrivileged');
    fake.schemes.push(...schemes);
  },
  handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void {
    fake.calls.push(`protocol.handle:${scheme}`);
    fake.protocolHandlers.set(scheme, handler);
  },
};

export const dialog = {
  showErrorBox(title: string, content: string): void {
    fake.errorBoxes.push({ title, content });
  },
};
