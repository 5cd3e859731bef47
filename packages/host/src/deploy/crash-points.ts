/** Steps at which the fault tests make the process kill itself, to prove recovery from each of them. */
export type CrashPoint = 'after-snapshot' | 'after-nft' | 'after-ip-rules' | 'after-tc' | 'pending';

/** SIGKILL ourselves at `point` when MARKWRIGHT_TEST_CRASH_AT names it (no cleanup can run, as with kill -9). */
export function crashPoint(point: CrashPoint): void {
  if (process.env.MARKWRIGHT_TEST_CRASH_AT === point) process.kill(process.pid, 'SIGKILL');
}
