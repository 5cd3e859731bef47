import type { BoxConfig } from '../ir/types';
import type { Layout } from '../layout/types';
import type { DeployVerification, PacketOutcome, RuleCheck } from '../reports/confirm';
import type { PacketSpec } from '../reports/types';
import { Conntrack } from '../simulate/conntrack';
import { toSimPacket } from '../simulate/packet';
import { Simulator } from '../simulate/simulate';
import { compareOutcome, outcomeOf } from './compare';
import type { ProbePlan } from './probe-packets';

/** What each packet should end with on `box` (each a new connection, as the live check sends it). */
export function expectedOutcomes(box: BoxConfig, packets: readonly PacketSpec[]): PacketOutcome[] {
  const sim = new Simulator(box);
  return packets.map((p, i) =>
    outcomeOf(sim.packet(toSimPacket(p, `packets[${i}]`), new Conntrack(), false)),
  );
}

/** One rule's packet as sent, with both outcomes (null `seen`: it could not be sent, `reason` says why). */
export interface SentProbe {
  readonly packet: PacketSpec;
  readonly expected: PacketOutcome;
  readonly seen: PacketOutcome | null;
  readonly reason?: string;
}

/** Put the rules' checks together: `sent[i]` belongs to `plans[i]` (null where the plan was skipped). */
export function buildVerification(
  layout: Layout,
  plans: readonly ProbePlan[],
  sent: readonly (SentProbe | null)[],
  durationMs: number,
): DeployVerification {
  const rules: RuleCheck[] = plans.map((plan, i) => {
    const probe = sent[i] ?? null;
    if ('skipped' in plan || !probe) {
      const skipped = 'skipped' in plan ? plan.skipped : 'not sent';
      return {
        rule: plan.rule,
        path: plan.path,
        packet: null,
        expected: null,
        seen: null,
        disagreements: [],
        skipped,
      };
    }
    if (!probe.seen) {
      return {
        rule: plan.rule,
        path: plan.path,
        packet: probe.packet,
        expected: probe.expected,
        seen: null,
        disagreements: [],
        skipped: probe.reason ?? 'not sent',
      };
    }
    return {
      rule: plan.rule,
      path: plan.path,
      packet: probe.packet,
      expected: probe.expected,
      seen: probe.seen,
      disagreements: compareOutcome(layout, plan.rule, probe.expected, probe.seen),
    };
  });
  const disagreements = rules.flatMap((r) => r.disagreements);
  return { ok: disagreements.length === 0, rules, disagreements, durationMs };
}

/** The check as text: one line per rule, then one per disagreement, expected vs seen. */
export function formatVerification(v: DeployVerification): string {
  const lines: string[] = [];
  for (const r of v.rules) {
    if (r.skipped !== undefined) lines.push(`rule '${r.rule}': not checked (${r.skipped})`);
    else if (r.disagreements.length === 0) lines.push(`rule '${r.rule}': as the document says`);
    else {
      lines.push(`rule '${r.rule}': the box disagrees`);
      for (const d of r.disagreements) lines.push(`  ${d.field}: expected ${d.expected}, seen ${d.seen}`);
    }
  }
  const checked = v.rules.filter((r) => r.skipped === undefined).length;
  lines.push(
    `${checked} of ${v.rules.length} rules checked on the live box in ${v.durationMs} ms: ${v.ok ? 'all agree' : `${v.disagreements.length} disagreement${v.disagreements.length === 1 ? '' : 's'}`}`,
  );
  return `${lines.join('\n')}\n`;
}
