/** Steps at which the fault tests make the process kill itself, to prove recovery from each of them. */
export type CrashPoint = 'after-snapshot' | 'after-nft' | 'after-ip-rules' | 'after-tc' | 'pending';

/**
 * SIGKILL ourselves at `point` when MARKWRIGHT_TEST_CRASH_AT names it (no cleanup can run, as with kill -9);
 * MARKWRIGHT_TEST_PAUSE_AT=point:MS holds the process there instead (to test concurrent commands).
 */
export function crashPoint(point: CrashPoint): void {
  if (process.env.MARKWRIGHT_TEST_CRASH_AT === point) process.kill(process.pid, 'SIGKILL');
  const pause = process.env.MARKWRIGHT_TEST_PAUSE_AT?.split(':');
  if (pause?.[0] === point)
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(pause[1] ?? 0));
}
