import type { MarkwrightDocument, PolicyRule } from '../document/types';
import type { BoxConfig } from '../ir/types';
import type { PacketResult, PacketSpec, TraceStep } from '../reports/types';
import { Conntrack } from '../simulate/conntrack';
import { Simulator } from '../simulate/simulate';
import { firstPacket, replyTo } from './flows';

/** One packet of a representative flow and what the simulator did with it. */
export interface FlowPacket {
  readonly role: 'first' | 'reply' | 'later';
  readonly spec: PacketSpec;
  readonly result: PacketResult;
}

/** A policy rule's representative connection: its first packet, the reply, and a later packet. */
export interface Flow {
  readonly index: number;
  readonly rule: PolicyRule;
  readonly path: string;
  readonly packets: readonly FlowPacket[];
}

/** Run each policy rule's connection (first packet, reply, later packet) through the box, one conntrack each. */
export function runFlows(doc: MarkwrightDocument, box: BoxConfig): Flow[] {
  const sim = new Simulator(box);
  return doc.policy.rules.map((rule, index) => {
    const conntrack = new Conntrack();
    const run = (spec: PacketSpec): PacketResult => sim.run([spec], {}, conntrack).packets[0]!;
    const first = firstPacket(rule, box.routes, index);
    const packets: FlowPacket[] = [{ role: 'first', spec: first, result: run(first) }];
    const reply = replyTo(first, packets[0]!.result);
    if (reply) packets.push({ role: 'reply', spec: reply, result: run(reply) });
    if (packets[0]!.result.verdict === 'accept')
      packets.push({ role: 'later', spec: first, result: run(first) });
    return { index, rule, path: `policy.rules[${index}]`, packets };
  });
}

/** The last route lookup of a packet (a re-route after a mark change replaces the first). */
export function lastRoute(result: PacketResult): Extract<TraceStep, { kind: 'route' }> | undefined {
  let out: Extract<TraceStep, { kind: 'route' }> | undefined;
  for (const s of result.steps) if (s.kind === 'route') out = s;
  return out;
}

/** Whether a policy rule's compiled rules matched on this packet (they carry its name as their comment). */
export function ruleMatched(result: PacketResult, name: string): boolean {
  const comment = `comment "${name}"`;
  return result.steps.some((s) => s.kind === 'rule' && s.matched && s.rule.endsWith(comment));
}

/** Names of the policy rules that matched, in trace order. */
export function matchedRuleNames(result: PacketResult): string[] {
  const out: string[] = [];
  for (const s of result.steps) {
    if (s.kind !== 'rule' || !s.matched) continue;
    const m = /comment "([^"]*)"$/.exec(s.rule);
    if (m && !m[1]!.startsWith('markwright: ')) out.push(m[1]!);
  }
  return out;
}

/** `tcp 10.0.0.100:40000 → 198.18.0.10:443 in lan0` */
export function describe(spec: PacketSpec): string {
  const port = (p: number | undefined) => (p === undefined ? '' : `:${p}`);
  const where = spec.iif ? ` in ${spec.iif}` : ' from the box';
  return `${spec.proto} ${spec.saddr}${port(spec.sport)} → ${spec.daddr}${port(spec.dport)}${where}`;
}
