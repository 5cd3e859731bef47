import { type BoxConfig, InputError, type LintFinding, type MarkwrightDocument } from '@markwright/core';
import { lintDocument } from '@markwright/core/lint';
import type { Runner } from '../exec/runner';
import { targetLabel } from '../exec/target';
import type { OwnedState, PlanReport } from '../types';
import type { KernelCapabilities } from './capabilities';
import { diffOwned } from './diff';
import { readOwnedState } from './kernel-state';
import { readLiveRouting } from './live-routing';
import type { Ownership } from './ownership';
import { planChecks } from './plan-checks';

/** The document and box a plan dry-runs beyond nft, with the target's kernel capabilities. */
export interface PlanSubject {
  readonly doc: MarkwrightDocument;
  readonly box: BoxConfig;
  readonly capabilities: KernelCapabilities;
}

/** nft's verdict on a script without committing it (`nft -c`), in the target's namespace. */
export async function checkNftScript(
  runner: Runner,
  script: string,
): Promise<{ ok: boolean; message: string | null }> {
  const res = await runner.run(['nft', '-c', '-f', '-'], { input: script, allowFail: true });
  return res.code === 0 ? { ok: true, message: null } : { ok: false, message: res.stderr.trim() };
}

/** The design run on the live routes, ip rules and sysctls; a document that does not compile has no findings. */
async function lintOnBox(runner: Runner, s: PlanSubject, ownership: Ownership): Promise<LintFinding[]> {
  try {
    const box = await readLiveRouting(runner);
    return [...lintDocument(s.doc, box, { ruleProtocol: ownership.ipRuleProtocol }).findings];
  } catch (error) {
    if (error instanceof InputError) return [];
    throw error;
  }
}

export async function plan(
  runner: Runner,
  ownership: Ownership,
  input: { wanted: OwnedState; document: string; known: OwnedState | null; subject?: PlanSubject },
): Promise<PlanReport> {
  const s = input.subject;
  const findings = s
    ? await planChecks(runner, s.doc, s.box, ownership, s.capabilities)
    : { problems: [], notes: [] };
  const live = await readOwnedState(runner, ownership, input.known, input.wanted.tcFilters);
  return {
    target: targetLabel(runner.target),
    document: input.document,
    wanted: input.wanted,
    live,
    changes: diffOwned(live, input.wanted),
    check: await checkNftScript(runner, input.wanted.nftScript),
    problems: findings.problems,
    notes: findings.notes,
    ...(s && { lint: await lintOnBox(runner, s, ownership) }),
  };
}
