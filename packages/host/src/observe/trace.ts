import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Layout, LivePacket, TracedPacket, TraceReport } from '@markwright/core';
import { DEFAULT_OWNERSHIP } from '../deploy/ownership';
import { EnvironmentError } from '../exec/errors';
import { fullArgv, type Runner } from '../exec/runner';
import { targetLabel } from '../exec/target';
import { probe } from '../probe/probe';
import { flowKey, readConntrack } from './conntrack-list';
import { parseMonitorLine } from './monitor-lines';
import { startTraceGuard } from './trace-guard';
import { assemblePath, handlePositions, type LiveBox, type TimedEvent } from './trace-path';
import { canonicalMatch, removeArgv, sweepStaleTraces, traceScript, traceTableName } from './trace-table';

export interface TraceOptions {
  /** An nft match, e.g. `udp dport 5555`: only these packets are traced. */
  readonly match: string;
  /** Stop after this many packets (default: no limit). */
  readonly count?: number;
  /** Stop after this many seconds (default 30). */
  readonly seconds?: number;
  readonly layout?: Layout;
  /** Ends the trace early (SIGINT): what was seen is returned and the trace table removed. */
  readonly signal?: AbortSignal;
  readonly onPacket?: (p: TracedPacket) => void;
  /** Called once the trace rule is live, with its table. */
  readonly onArmed?: (table: string) => void;
}

/** A packet is complete when no event for it came for this long (the kernel reports no end of path). */
const IDLE_MS = 400;
/** `nft monitor` has no ready signal: give it this long to subscribe before the rule goes in. */
const MONITOR_START_MS = 300;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Everything needed to read a packet's path: the live rules, rule positions and connection marks. */
async function readBox(runner: Runner): Promise<{ box: LiveBox; ctmarks: Map<string, number> }> {
  const probed = await probe(runner, DEFAULT_OWNERSHIP);
  const json = await runner.run(['nft', '-j', 'list', 'ruleset'], { allowFail: true });
  const ctmarks = new Map<string, number>();
  for (const c of (await readConntrack(runner)).connections) {
    ctmarks.set(flowKey(c.proto, c.saddr, c.sport, c.daddr, c.dport), c.mark);
    ctmarks.set(flowKey(c.proto, c.daddr, c.dport, c.saddr, c.sport), c.mark);
  }
  return { box: { ruleset: probed.box.ruleset, positions: handlePositions(json.stdout) }, ctmarks };
}

/**
 * Trace matching packets on a target: a trace rule in a table of our own marks them (`meta nftrace set 1`),
 * `nft monitor trace` reports their path, and each path is read against the live rules. The table is removed when
 * the trace ends, however it ends; a guard process removes it if this process is killed.
 */
export async function liveTrace(runner: Runner, options: TraceOptions): Promise<TraceReport> {
  const match = canonicalMatch(options.match);
  const seconds = options.seconds ?? 30;
  const count = options.count ?? Number.POSITIVE_INFINITY;
  await sweepStaleTraces(runner);
  const { box, ctmarks } = await readBox(runner);
  const table = traceTableName(process.pid);
  const until = Math.ceil(Date.now() / 1000 + seconds + 60);

  const argv = fullArgv(runner.target, ['nft', '-a', 'monitor', 'trace']);
  const monitor = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  const spawnError = new Promise<never>((_, reject) =>
    monitor.on('error', (e) => reject(new EnvironmentError(`cannot run nft monitor trace: ${e.message}`))),
  );
  spawnError.catch(() => {});
  const pending = new Map<string, TimedEvent[]>();
  const lastSeen = new Map<string, number>();
  const packets: TracedPacket[] = [];
  const ctAfter = new Map<string, number>();
  const finish = (id: string) => {
    const events = pending.get(id)!;
    pending.delete(id);
    lastSeen.delete(id);
    const p = assemblePath(id, events, {
      box,
      traceTable: table,
      layout: options.layout,
      ctmarkBefore: (lp: LivePacket) => {
        const k = flowKey(lp.proto ?? '', lp.saddr ?? '', lp.sport, lp.daddr ?? '', lp.dport);
        return ctAfter.get(k) ?? ctmarks.get(k) ?? 0;
      },
    });
    const lp = p.packet;
    // Later packets of the connection (either direction) start from the ct mark this one left.
    ctAfter.set(flowKey(lp.proto ?? '', lp.saddr ?? '', lp.sport, lp.daddr ?? '', lp.dport), p.ctmark);
    ctAfter.set(flowKey(lp.proto ?? '', lp.daddr ?? '', lp.dport, lp.saddr ?? '', lp.sport), p.ctmark);
    packets.push(p);
    options.onPacket?.(p);
  };
  const lines = createInterface({ input: monitor.stdout });
  lines.on('line', (line) => {
    const event = parseMonitorLine(line);
    if (!event) return;
    const list = pending.get(event.id) ?? [];
    list.push({ event, at: new Date() });
    pending.set(event.id, list);
    lastSeen.set(event.id, Date.now());
  });
  let guard: number | null = null;
  try {
    await Promise.race([sleep(MONITOR_START_MS), spawnError]);
    if (monitor.exitCode !== null)
      throw new EnvironmentError('nft monitor trace ended at once (is nft installed, are we root?)');
    guard = startTraceGuard({ target: runner.target, table, owner: process.pid, until });
    await runner.run(['nft', '-f', '-'], { input: traceScript({ table, match, pid: process.pid, until }) });
    options.onArmed?.(table);
    const endAt = Date.now() + seconds * 1000;
    while (Date.now() < endAt && !options.signal?.aborted && packets.length < count) {
      await Promise.race([sleep(100), spawnError]);
      const now = Date.now();
      for (const [id, t] of [...lastSeen]) if (now - t >= IDLE_MS && packets.length < count) finish(id);
    }
  } finally {
    await runner.run(removeArgv(table), { allowFail: true });
    if (guard !== null) {
      try {
        process.kill(guard, 'SIGTERM');
      } catch {}
    }
    await sleep(50);
    monitor.kill('SIGTERM');
    lines.close();
  }
  for (const id of [...pending.keys()]) if (packets.length < count) finish(id);
  return { target: targetLabel(runner.target), match, packets };
}
