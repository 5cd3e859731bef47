import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Target } from '../types';

/** What the guard needs, passed as one JSON argument. */
export interface TraceGuardArgs {
  readonly target: Target;
  readonly table: string;
  /** The trace's process: when it is gone, the table goes. */
  readonly owner: number;
  /** Unix seconds: the table goes then at the latest. */
  readonly until: number;
}

/** The bundled guard: beside this module's package dist, beside the CLI bundle, or where MARKWRIGHT_TRACE_GUARD points. */
export function locateTraceGuard(): string | null {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [
    process.env.MARKWRIGHT_TRACE_GUARD,
    join(here, '..', '..', 'dist', 'trace-guard.mjs'),
    join(here, 'trace-guard.mjs'),
    join(here, '..', '..', 'packages', 'host', 'dist', 'trace-guard.mjs'),
  ];
  for (const c of candidates) if (c && existsSync(c)) return resolve(c);
  return null;
}

/** Start the guard detached (own session, no stdio) so it outlives a killed trace; returns its pid or null. */
export function startTraceGuard(args: TraceGuardArgs): number | null {
  const script = locateTraceGuard();
  if (!script) return null;
  const child = spawn(process.execPath, [script, JSON.stringify(args)], { detached: true, stdio: 'ignore' });
  child.unref();
  return child.pid ?? null;
}
