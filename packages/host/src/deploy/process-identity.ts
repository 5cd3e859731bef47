import { readFileSync } from 'node:fs';

/**
 * When a process started (clock ticks since boot, /proc/PID/stat field 22), or null when there is no such
 * process. A pid plus its start time names one process: a reused pid has another start time.
 */
export function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may contain spaces: count fields after its end.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

/** This process, as `processStart` names it. */
export const ownStart = (): string | null => processStart(process.pid);

/** Whether `pid` is still the process that started at `start` (any live `pid` when start is unknown). */
export function isSameProcess(pid: number, start: string | null | undefined): boolean {
  const now = processStart(pid);
  if (now === null) return false;
  return start === undefined || start === null || now === start;
}

/** Whether any process has `pid` (one we may not signal counts too). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
