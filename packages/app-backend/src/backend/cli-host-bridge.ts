// HostBridge over the `markwright` CLI: argv arrays only, `--json` output, exit codes mapped to ApiError kinds.
// Deploy verbs change the kernel, so they run in a separate (elevated) process; probing only reads.

import { execFile } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { ApiError } from '@markwright/api';
import type { ApplyResult, DeploymentRecord, DeployStatus, PlanReport, ProbeReport } from '@markwright/core';
import { DEFAULT_OWNERSHIP, openRunner, parseTarget, probe } from '@markwright/host';
import type { HostBridge } from './host-bridge';

const NETNS_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

export interface CliHostBridgeOptions {
  /** Path of the bundled CLI (`apps/cli/dist/markwright.mjs`). */
  readonly cliPath: string;
  /** The Node binary that runs it (absolute: pkexec needs one); defaults to this process's when it is Node. */
  readonly nodePath?: string;
  /** Passed as `--state-dir` to every deploy verb (tests and e2e point it at a temp folder). */
  readonly stateDir?: string;
  /** Passed as `--root-dir`: where persistence files go instead of `/` (tests and e2e point it at a temp folder). */
  readonly rootDir?: string;
  /** Prefix for privileged runs; default `['pkexec']` when not root, none when root. */
  readonly elevate?: readonly string[];
  /** Where network namespace names are listed (`ip netns` keeps them there). */
  readonly netnsDir?: string;
  readonly timeoutMs?: number;
}

function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  return undefined;
}

function defaultNode(): string {
  if (!process.versions.electron) return process.execPath;
  const node = findOnPath('node');
  if (!node)
    throw new ApiError('environment', 'deploying needs Node.js (`node` on PATH) to run the markwright CLI');
  return node;
}

/** The message a failed CLI run printed, without its `markwright: ` prefix. */
function cliMessage(stderr: string, fallback: string): string {
  const text = stderr.trim().replace(/^markwright: /, '');
  return text.length > 0 ? text.slice(0, 2000) : fallback;
}

export class CliHostBridge implements HostBridge {
  private readonly elevate: readonly string[];

  constructor(private readonly options: CliHostBridgeOptions) {
    this.elevate = options.elevate ?? (process.getuid?.() === 0 ? [] : ['pkexec']);
  }

  /** argv for one CLI run; exposed for tests. */
  argv(verb: string, args: readonly string[]): string[] {
    const stateDir = this.options.stateDir ? ['--state-dir', this.options.stateDir] : [];
    const rootDir = this.options.rootDir ? ['--root-dir', this.options.rootDir] : [];
    return [
      ...this.elevate,
      this.options.nodePath ?? defaultNode(),
      this.options.cliPath,
      verb,
      ...args,
      ...stateDir,
      ...rootDir,
      '--json',
    ];
  }

  /** `jsonOnRefusal`: the verb prints its JSON report even when it exits 1 (plan, when `nft -c` rejects). */
  private run<T>(verb: string, args: readonly string[], jsonOnRefusal = false): Promise<T> {
    const [file, ...rest] = this.argv(verb, args);
    return new Promise((resolve, reject) => {
      execFile(
        file!,
        rest,
        { timeout: this.options.timeoutMs ?? 120_000, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
        (error, stdout, stderr) => {
          if (!error) {
            try {
              resolve(JSON.parse(stdout) as T);
            } catch {
              reject(new ApiError('internal', `markwright ${verb} printed no JSON: ${stdout.slice(0, 200)}`));
            }
            return;
          }
          const code = typeof error.code === 'number' ? error.code : null;
          if (code === 1 && jsonOnRefusal) {
            try {
              resolve(JSON.parse(stdout) as T);
              return;
            } catch {}
          }
          if (code === 1)
            reject(new ApiError('invalid-input', cliMessage(stderr, `markwright ${verb} refused the input`)));
          else if (code === 126 || code === 127) {
            reject(
              new ApiError(
                'environment',
                `authorisation for markwright ${verb} was refused or is unavailable (pkexec ${code})`,
              ),
            );
          } else {
            reject(
              new ApiError('environment', cliMessage(stderr, `markwright ${verb} failed: ${error.message}`)),
            );
          }
        },
      );
    });
  }

  /** Runs a verb that takes the document as a file (the CLI contract), removing the file afterwards. */
  private async withDocument<T>(
    verb: string,
    documentText: string,
    args: readonly string[],
    jsonOnRefusal = false,
  ): Promise<T> {
    const dir = mkdtempSync(join(tmpdir(), 'markwright-doc-'));
    const file = join(dir, 'document.json');
    try {
      writeFileSync(file, documentText, { mode: 0o644 });
      return await this.run<T>(verb, [file, ...args], jsonOnRefusal);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  async listTargets(): Promise<string[]> {
    let names: string[] = [];
    try {
      names = readdirSync(this.options.netnsDir ?? '/run/netns').sort();
    } catch {}
    return [
      'local',
      ...names.filter((n) => NETNS_NAME.test(n) && n !== '.' && n !== '..').map((n) => `netns:${n}`),
    ];
  }

  /** Reading only: runs in-process through the host package, whose runner elevates each read when needed. */
  async probe(target: string): Promise<ProbeReport> {
    return probe(await openRunner(parseTarget(target)), DEFAULT_OWNERSHIP);
  }

  plan(target: string, documentText: string): Promise<PlanReport> {
    return this.withDocument('plan', documentText, ['--target', target], true);
  }

  apply(target: string, documentText: string, confirmTimeout?: number): Promise<ApplyResult> {
    const timeout = confirmTimeout === undefined ? [] : ['--confirm-timeout', String(confirmTimeout)];
    return this.withDocument('apply', documentText, ['--target', target, ...timeout]);
  }

  confirm(target: string): Promise<DeploymentRecord> {
    return this.run('confirm', ['--target', target]);
  }

  rollback(target: string, to?: string): Promise<DeploymentRecord> {
    return this.run('rollback', ['--target', target, ...(to === undefined ? [] : ['--to', to])]);
  }

  status(target: string): Promise<DeployStatus> {
    return this.run('status', ['--target', target]);
  }

  history(target: string): Promise<DeploymentRecord[]> {
    return this.run('history', ['--target', target]);
  }
}
