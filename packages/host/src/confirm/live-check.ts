import { randomInt } from 'node:crypto';
import type { DeployVerification, MarkwrightDocument, PacketOutcome, PacketSpec } from '@markwright/core';
import { buildVerification, expectedOutcomes, probePackets, type SentProbe } from '@markwright/core/confirm';
import type { Ownership } from '../deploy/ownership';
import { EnvironmentError } from '../exec/errors';
import { createSystemRunner, type Runner } from '../exec/runner';
import { probe } from '../probe/probe';
import { classCounters, documentBox, grownClass, intended, liveTable, seenOutcome } from './live-outcome';
import {
  armObserver,
  type Observed,
  observerTable,
  readObserved,
  removeObserver,
  sweepObservers,
} from './observer';
import { openScratchSource, type ScratchSource, sendLocal } from './scratch-source';

// After an apply: does the live box do what the document says? One packet per policy rule goes through the real
// kernel (from a scratch namespace into the device it should arrive on, or from the box itself with its socket
// mark), and how it ends (marks, route table, device, class) is compared with the simulator's outcome for the
// document on this box's routes.

export interface LiveCheckOptions {
  /** Runs tools where Markwright runs (scratch namespaces are created there); default: this process's namespace. */
  readonly host?: Runner;
  /** How long to wait for a packet to show up before calling it dropped (default 1000 ms). */
  readonly waitMs?: number;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Each packet its own connection: a source port of its own where the rule leaves the port open. */
function withPort(p: PacketSpec, used: Set<number>): PacketSpec {
  if ((p.proto !== 'tcp' && p.proto !== 'udp') || p.sport !== undefined) return p;
  let sport = randomInt(20_000, 60_000);
  while (used.has(sport)) sport = randomInt(20_000, 60_000);
  used.add(sport);
  return { ...p, sport };
}

async function waitObserved(runner: Runner, table: string, waitMs: number): Promise<Observed> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const seen = await readObserved(runner, table);
    if (seen || Date.now() >= deadline) return seen;
    await sleep(20);
  }
}

/** Forget the test packet's connection, so a later check starts from a new one (best effort). */
async function forgetConnection(runner: Runner, p: PacketSpec): Promise<void> {
  const argv = ['conntrack', '-D', '-s', p.saddr, '-d', p.daddr, '-p', String(p.proto)];
  if (p.sport !== undefined) argv.push('--sport', String(p.sport));
  if (p.dport !== undefined && (p.proto === 'tcp' || p.proto === 'udp'))
    argv.push('--dport', String(p.dport));
  try {
    await runner.run(argv, { allowFail: true });
  } catch (error) {
    if (!(error instanceof EnvironmentError)) throw error;
  }
}

interface Sender {
  scratch: ScratchSource | null;
}

async function sendOne(
  runner: Runner,
  host: Runner,
  sender: Sender,
  doc: MarkwrightDocument,
  rule: string,
  p: PacketSpec,
  expected: PacketOutcome,
  waitMs: number,
): Promise<SentProbe> {
  const table = observerTable();
  await armObserver(runner, table, p);
  const classDevs = [...new Set(doc.policy.classes.map((c) => c.dev))];
  const before = new Map(
    await Promise.all(classDevs.map(async (d) => [d, await classCounters(runner, d)] as const)),
  );
  try {
    if (p.iif) {
      sender.scratch ??= await openScratchSource(host, runner);
      await sender.scratch.send(p);
    } else await sendLocal(runner, p);
  } catch (error) {
    // An unchecked rule is not a confirmed one: the check stops and the change is reverted.
    const reason = error instanceof Error ? error.message.trim().replace(/\s*\n\s*/g, '; ') : String(error);
    throw new EnvironmentError(`the live check could not send the test packet of rule '${rule}': ${reason}`);
  }
  const observed = await waitObserved(runner, table, waitMs);
  let klass: string | null = null;
  if (observed?.kind === 'out' && before.has(observed.oif)) {
    klass = grownClass(before.get(observed.oif)!, await classCounters(runner, observed.oif), expected.class);
  }
  const table2 = observed ? await liveTable(runner, p, observed.mark) : null;
  await forgetConnection(runner, p);
  return { packet: p, expected, seen: seenOutcome(observed, table2, klass) };
}

/** Check every policy rule of `doc` on the live target (Markwright's rules are loaded already). */
export async function checkLive(
  runner: Runner,
  doc: MarkwrightDocument,
  ownership: Ownership,
  options: LiveCheckOptions = {},
): Promise<DeployVerification> {
  const started = Date.now();
  const host = options.host ?? createSystemRunner({ kind: 'local' });
  await sweepObservers(runner, alive);
  const live = (await probe(runner, ownership)).box;
  const box = documentBox(live, doc, ownership);
  const used = new Set<number>();
  const plans = probePackets(doc, box).map((plan) =>
    'packet' in plan ? { ...plan, packet: withPort(plan.packet, used) } : plan,
  );
  const packets = plans.flatMap((plan) => ('packet' in plan ? [plan.packet] : []));
  const simulated = expectedOutcomes(box, packets);
  const sender: Sender = { scratch: null };
  const sent: (SentProbe | null)[] = [];
  try {
    let k = 0;
    for (const plan of plans) {
      if (!('packet' in plan)) {
        sent.push(null);
        continue;
      }
      const expected = intended(doc, plan.packet, simulated[k++]!);
      sent.push(
        await sendOne(runner, host, sender, doc, plan.rule, plan.packet, expected, options.waitMs ?? 1000),
      );
    }
  } finally {
    await removeObserver(runner, observerTable());
    await sender.scratch?.destroy();
  }
  return buildVerification(doc.layout, plans, sent, Date.now() - started);
}
