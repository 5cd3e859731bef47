// The unprivileged side of the helper: starts one helper process per session (through pkexec when not root),
// sends requests as JSON lines and matches the answers. A refused or cancelled authorisation is its own error,
// never an empty answer.

import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { AuthRefused, parseErrorShape, typedErrorFrom } from '@markwright/core';
import { EnvironmentError } from '../exec/errors';
import { HELPER_PATH, PKEXEC_PATH, POLKIT_ACTION } from '../exec/privilege';
import type { HelperRequest, HelperResponse } from './protocol';

export interface HelperClientOptions {
  /** How to start the helper; default `pkexec /usr/lib/markwright/markwright-helper`. */
  readonly argv?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  /** Read exits 126 and 127 before the helper's first line as pkexec's refusals (default: argv[0] is pkexec). */
  readonly viaPkexec?: boolean;
  /** How long to wait for the helper's first line (an authentication dialog may be open meanwhile). */
  readonly startTimeoutMs?: number;
}

export type HelperCall = Omit<HelperRequest, 'id'>;

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The argv that elevates through polkit, after checking both ends are installed. */
export function pkexecArgv(): string[] {
  if (!executable(PKEXEC_PATH))
    throw new EnvironmentError(
      `${PKEXEC_PATH} is not installed (Debian package pkexec): cannot ask polkit for authorisation`,
    );
  if (!executable(HELPER_PATH))
    throw new EnvironmentError(
      `the privileged helper ${HELPER_PATH} is not installed (install the markwright package, or run as root)`,
    );
  return [PKEXEC_PATH, HELPER_PATH];
}

interface Waiter {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

export class HelperClient {
  private child: ChildProcess | null = null;
  private started: Promise<void> | null = null;
  private nextId = 1;
  private readonly waiting = new Map<number, Waiter>();
  private stderr = '';

  constructor(private readonly options: HelperClientOptions = {}) {}

  /** Start the helper (once per session); rejects with AuthRefused when polkit says no. */
  start(): Promise<void> {
    if (!this.started) {
      this.started = this.spawnHelper();
      // A failed start is retried by the next request (the user may authenticate then).
      this.started.catch(() => {
        this.started = null;
      });
    }
    return this.started;
  }

  private spawnHelper(): Promise<void> {
    const argv = this.options.argv ?? pkexecArgv();
    return new Promise((resolve, reject) => {
      const child = spawn(argv[0]!, argv.slice(1), {
        stdio: ['pipe', 'pipe', 'pipe'],
        env: this.options.env ?? process.env,
      });
      this.child = child;
      this.stderr = '';
      let hello = false;
      let buffered = '';
      const timer = setTimeout(() => {
        child.kill('SIGTERM');
        reject(
          new AuthRefused(
            `not authorised: no answer from polkit within ${Math.round((this.options.startTimeoutMs ?? 120_000) / 1000)} s`,
          ),
        );
      }, this.options.startTimeoutMs ?? 120_000);
      child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
        this.stderr = (this.stderr + chunk).slice(-4000);
      });
      child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
        buffered += chunk;
        let newline = buffered.indexOf('\n');
        while (newline >= 0) {
          const line = buffered.slice(0, newline);
          buffered = buffered.slice(newline + 1);
          if (!hello) {
            hello = true;
            clearTimeout(timer);
            if (/"hello":"markwright-helper"/.test(line)) resolve();
            else reject(new EnvironmentError(`the helper did not introduce itself: ${line.slice(0, 200)}`));
          } else this.deliver(line);
          newline = buffered.indexOf('\n');
        }
      });
      child.stdin!.on('error', () => {});
      child.on('error', (error) => {
        clearTimeout(timer);
        reject(new EnvironmentError(`cannot start ${argv.join(' ')}: ${error.message}`));
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        this.child = null;
        this.started = null;
        const why = this.exitReason(argv, code, signal);
        if (!hello) reject(why);
        for (const waiter of this.waiting.values()) waiter.reject(why);
        this.waiting.clear();
      });
    });
  }

  private exitReason(argv: readonly string[], code: number | null, signal: NodeJS.Signals | null): Error {
    const said = this.stderr.trim().split('\n').pop() ?? '';
    const viaPkexec = this.options.viaPkexec ?? argv[0] === PKEXEC_PATH;
    if (viaPkexec && code === 126)
      return new AuthRefused(`not authorised: the authentication for ${POLKIT_ACTION} was cancelled`);
    if (viaPkexec && code === 127)
      return new AuthRefused(`not authorised: polkit refused ${POLKIT_ACTION}${said ? ` (${said})` : ''}`);
    return new EnvironmentError(
      `the privileged helper stopped (${code ?? signal})${said ? `: ${said.replace(/^markwright-helper: /, '')}` : ''}`,
    );
  }

  private deliver(line: string): void {
    let response: HelperResponse;
    try {
      response = JSON.parse(line) as HelperResponse;
    } catch {
      return;
    }
    const waiter = this.waiting.get(response.id);
    if (!waiter) return;
    this.waiting.delete(response.id);
    if (response.ok) waiter.resolve(response.result);
    else {
      const shape = parseErrorShape(response.error) ?? {
        kind: 'internal' as const,
        field: null,
        message: `the helper sent a malformed error: ${line.slice(0, 200)}`,
      };
      waiter.reject(typedErrorFrom(shape));
    }
  }

  /**
   * Send one request; resolves with its result, rejects with the typed error the helper reported (kind and field
   * kept) or with why the helper is gone.
   */
  async request<T>(call: HelperCall): Promise<T> {
    await this.start();
    const child = this.child;
    if (!child) throw new EnvironmentError('the privileged helper is not running');
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      child.stdin!.write(`${JSON.stringify({ ...call, id })}\n`);
    });
  }

  /** End the session: the helper exits when its stdin closes. */
  close(): Promise<void> {
    const child = this.child;
    if (!child) return Promise.resolve();
    return new Promise((resolve) => {
      const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.once('exit', () => {
        clearTimeout(force);
        resolve();
      });
      child.stdin!.end();
    });
  }
}
