// The app as `markwright serve` in Debian Chromium: the bundled CLI serves the renderer and the API on
// 127.0.0.1, prints its one start line with the session token, and the page opens that address.

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { environmentSkip } from '@markwright/testkit';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { netnsExecutable, placed } from './in-netns';
import { type AppSession, type Launcher, VIEWPORT, waitForApp } from './launcher';
import { CHROMIUM, cliBundle } from './paths';
import type { Workspace } from './workspace';

const START_LINE = /Markwright is serving at (http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]+)/;

interface Server {
  readonly child: ChildProcess;
  readonly url: string;
}

/** Starts serve mode on the workspace's files and resolves with the address from its start line. */
function startServer(workspace: Workspace): Promise<Server> {
  const argv = placed(workspace.place, [
    process.execPath,
    cliBundle,
    'serve',
    '--port',
    '0',
    '--db',
    workspace.dbPath,
    '--state-dir',
    workspace.stateDir,
    '--root-dir',
    workspace.rootDir,
  ]);
  const child = spawn(argv[0]!, argv.slice(1), {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...workspace.place?.env },
  });
  let stdout = '';
  let stderr = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`markwright serve printed no start line in 30 s; stderr: ${stderr}`));
    }, 30_000);
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const match = START_LINE.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1]! });
      }
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`markwright serve exited (${code ?? signal}) before serving: ${stderr.trim()}`));
    });
  });
}

/** SIGTERM (serve closes its database cleanly), then waits for the process to be gone. */
function stopServer(server: Server): Promise<void> {
  const { child } = server;
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

class ServeSession implements AppSession {
  readonly launcher = 'chromium-serve' as const;
  readonly pageErrors: string[] = [];
  private constructor(
    private readonly workspace: Workspace,
    private readonly browser: Browser,
    private server: Server,
    private context: BrowserContext,
    public page: Page,
  ) {}

  static async start(workspace: Workspace): Promise<ServeSession> {
    // In a lab namespace the browser runs there too: the server's loopback address is that namespace's.
    const executablePath = workspace.place
      ? netnsExecutable(workspace.dir, 'chromium-in-netns', workspace.place.netns, CHROMIUM)
      : CHROMIUM;
    const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
    try {
      const server = await startServer(workspace);
      const { context, page } = await ServeSession.open(browser, server.url);
      const session = new ServeSession(workspace, browser, server, context, page);
      session.watch(page);
      await waitForApp(page);
      return session;
    } catch (error) {
      await browser.close();
      throw error;
    }
  }

  private static async open(browser: Browser, url: string) {
    const context = await browser.newContext({ viewport: VIEWPORT });
    const page = await context.newPage();
    await page.goto(url);
    return { context, page };
  }

  get url(): string {
    return this.server.url;
  }

  private watch(page: Page): void {
    page.on('pageerror', (error) => this.pageErrors.push(error.message));
  }

  async restart(): Promise<Page> {
    await this.context.close();
    await stopServer(this.server);
    this.server = await startServer(this.workspace);
    const { context, page } = await ServeSession.open(this.browser, this.server.url);
    this.context = context;
    this.page = page;
    this.watch(page);
    await waitForApp(page);
    return page;
  }

  async close(): Promise<void> {
    await this.context.close().catch(() => {});
    await stopServer(this.server);
    await this.browser.close();
  }
}

export const serveLauncher: Launcher = {
  name: 'chromium-serve',
  skipReason: environmentSkip(
    'serve-mode flows',
    existsSync(CHROMIUM) ? null : `serve-mode flows need Debian Chromium at ${CHROMIUM}`,
  ),
  start: (workspace) => ServeSession.start(workspace),
};
