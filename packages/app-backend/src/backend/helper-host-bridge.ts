// HostBridge over the privileged helper: one helper process per app session, started through pkexec when the
// app is not root (one authorisation; the countdown's status reads and Keep reuse it), or directly when it is.
// Listing the namespaces needs no privilege and stays in this process.

import { accessSync, constants, readdirSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import type { KeepWrites } from '@markwright/api';
import type {
  ApplyResult,
  DeploymentRecord,
  DeployStatus,
  ImpactReport,
  PlanReport,
  ProbeReport,
  TraceReport,
} from '@markwright/core';
import { isNetnsName } from '@markwright/core';
import {
  EnvironmentError,
  type HelperCall,
  HelperClient,
  parseTarget,
  persistencePaths,
  pkexecArgv,
  runningAsRoot,
} from '@markwright/host';
import type { HostBridge } from './host-bridge';

export interface HelperHostBridgeOptions {
  /** The bundled CLI (`apps/cli/dist/markwright.mjs`); root runs `helper.mjs` beside it directly. */
  readonly cliPath?: string;
  /** History and journal folder for a helper root starts (tests, e2e); not choosable when not root. */
  readonly stateDir?: string;
  /** Root of the persistence files for a helper root starts; not choosable when not root. */
  readonly rootDir?: string;
  /** How to start the helper instead (tests), and whether that argv goes through pkexec. */
  readonly argv?: readonly string[];
  readonly viaPkexec?: boolean;
  /** Where network namespace names are listed (`ip netns` keeps them there). */
  readonly netnsDir?: string;
}

function findNode(): string {
  if (!process.versions.electron) return process.execPath;
  for (const dir of ['/usr/bin', '/usr/local/bin', ...(process.env.PATH ?? '').split(delimiter)]) {
    if (!dir) continue;
    try {
      accessSync(join(dir, 'node'), constants.X_OK);
      return join(dir, 'node');
    } catch {}
  }
  throw new EnvironmentError('deploying needs Node.js (/usr/bin/node) to run the markwright helper');
}

/** Name recorded as the deployment's document: the app sends the text, not a file. */
const APP_DOCUMENT = 'markwright-app';

export class HelperHostBridge implements HostBridge {
  private client: HelperClient | null = null;

  constructor(private readonly options: HelperHostBridgeOptions = {}) {}

  /** How the helper starts here; exposed for tests. */
  helperStart(): { argv: readonly string[]; env: NodeJS.ProcessEnv } {
    if (this.options.argv) return { argv: this.options.argv, env: process.env };
    if (!runningAsRoot()) {
      if (this.options.stateDir !== undefined || this.options.rootDir !== undefined) {
        throw new EnvironmentError(
          'the state and root folders can only be chosen when the app runs as root (the helper uses its fixed folders)',
        );
      }
      return { argv: pkexecArgv(), env: process.env };
    }
    if (!this.options.cliPath)
      throw new EnvironmentError('the app was started without the path of its CLI bundle');
    const env: NodeJS.ProcessEnv = { ...process.env };
    if (this.options.stateDir !== undefined) env.MARKWRIGHT_STATE_DIR = this.options.stateDir;
    if (this.options.rootDir !== undefined) env.MARKWRIGHT_ROOT_DIR = this.options.rootDir;
    return { argv: [findNode(), join(dirname(this.options.cliPath), 'helper.mjs')], env };
  }

  private async call<T>(call: HelperCall): Promise<T> {
    if (!this.client) {
      const { argv, env } = this.helperStart();
      this.client = new HelperClient({
        argv,
        env,
        ...(this.options.viaPkexec === undefined ? {} : { viaPkexec: this.options.viaPkexec }),
      });
    }
    // Refusals arrive as core's typed errors (kind and field kept); toApiError maps them.
    return this.client.request<T>(call);
  }

  async listTargets(): Promise<string[]> {
    let names: string[] = [];
    try {
      names = readdirSync(this.options.netnsDir ?? '/run/netns').sort();
    } catch {}
    return ['local', ...names.filter(isNetnsName).map((n) => `netns:${n}`)];
  }

  probe(target: string): Promise<ProbeReport> {
    return this.call({ verb: 'probe', target });
  }

  plan(target: string, documentText: string): Promise<PlanReport> {
    return this.call({ verb: 'plan', target, document: documentText, documentPath: APP_DOCUMENT });
  }

  apply(
    target: string,
    documentText: string,
    confirmTimeout?: number,
    verify?: boolean,
  ): Promise<ApplyResult> {
    return this.call({
      verb: 'apply',
      target,
      document: documentText,
      documentPath: APP_DOCUMENT,
      ...(confirmTimeout === undefined ? {} : { confirmTimeout }),
      ...(verify ? { verify: true } : {}),
    });
  }

  confirm(target: string): Promise<DeploymentRecord> {
    return this.call({ verb: 'confirm', target });
  }

  rollback(target: string, to?: string, verify?: boolean): Promise<DeploymentRecord> {
    return this.call({
      verb: 'rollback',
      target,
      ...(to === undefined ? {} : { to }),
      ...(verify ? { verify: true } : {}),
    });
  }

  status(target: string): Promise<DeployStatus> {
    return this.call({ verb: 'status', target });
  }

  history(target: string): Promise<DeploymentRecord[]> {
    return this.call({ verb: 'history', target });
  }

  async uninstall(target: string): Promise<void> {
    await this.call({ verb: 'uninstall', target });
  }

  keepWrites(target: string): KeepWrites {
    return keepWritesUnder(this.options.rootDir ?? '/', target, target);
  }

  impact(target: string, documentText: string): Promise<ImpactReport> {
    return this.call({ verb: 'impact', target, document: documentText, documentPath: APP_DOCUMENT });
  }

  trace(target: string, match: string, seconds: number, documentText?: string): Promise<TraceReport> {
    return this.call({
      verb: 'trace',
      target,
      match,
      seconds,
      ...(documentText === undefined ? {} : { document: documentText, documentPath: APP_DOCUMENT }),
    });
  }

  /** End the helper session (the helper exits when its input closes). */
  async close(): Promise<void> {
    const client = this.client;
    this.client = null;
    await client?.close();
  }
}

/** What Keep writes for `boxTarget` under `rootDir` (the box's own folders), reported for `target`. */
export function keepWritesUnder(rootDir: string, boxTarget: string, target: string): KeepWrites {
  const paths = persistencePaths(rootDir, parseTarget(boxTarget));
  return {
    target,
    files: [paths.ruleset, paths.ipRulesV4, paths.ipRulesV6, paths.tc, paths.dropIn],
    unit: paths.unit,
    enables: paths.wants,
  };
}
