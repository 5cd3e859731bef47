// The netfilter path a traced packet took, for the diagram: which stages it passed (prerouting, the routing
// decision, input/forward/output, postrouting, tc egress) and which stage had a rule that matched.

import type { PacketResult } from '@markwright/core';

export type Stage = 'prerouting' | 'routing' | 'input' | 'forward' | 'output' | 'postrouting' | 'tc';

export const STAGES: readonly Stage[] = [
  'prerouting',
  'routing',
  'input',
  'forward',
  'output',
  'postrouting',
  'tc',
];

export interface StageState {
  readonly stage: Stage;
  readonly visited: boolean;
  /** A rule in this stage matched (or, for routing, an ip rule decided). */
  readonly hit: boolean;
}

export function hookPath(packet: PacketResult): StageState[] {
  const visited = new Set<Stage>();
  const hit = new Set<Stage>();
  for (const step of packet.steps) {
    if (step.kind === 'rule' || step.kind === 'policy') {
      const stage = stageOfHook(step.hook);
      if (!stage) continue;
      visited.add(stage);
      if (step.kind === 'rule' && step.matched) hit.add(stage);
    } else if (step.kind === 'route') {
      visited.add('routing');
      if (step.rule) hit.add('routing');
      if (step.result === 'local') visited.add('input');
      if (step.result === 'forward') visited.add('forward');
    } else if (step.kind === 'tc') {
      visited.add('tc');
      if (step.filter) hit.add('tc');
    }
  }
  if (packet.destination === 'local') visited.add('input');
  if (packet.destination === 'forward') visited.add('forward');
  if (packet.destination === 'output') visited.add('output');
  return STAGES.map((stage) => ({ stage, visited: visited.has(stage), hit: hit.has(stage) }));
}

function stageOfHook(hook: string): Stage | null {
  return (STAGES as readonly string[]).includes(hook) ? (hook as Stage) : null;
}
