import { InputError } from '../bits/errors';
import type { MarkwrightDocument, PolicyHook } from '../document/types';
import type { BaseChainSpec, Chain, Match, Rule, RuleExpr } from '../ir/types';
import type { SecmarkLabel } from '../layout/types';
import type { Flavour } from './packet-match';
import type { CompiledPolicyRule } from './policy-rules';

// Labels are written where SELinux policy expects them: at the security priority (NF_IP_PRI_SECURITY, 50),
// after filtering, in the hooks the iptables security table has (input, forward, output). A rule written for
// prerouting labels what arrives: packets for the box (input) and packets it forwards (forward).

/** nft's `security` priority and iptables' security table (NF_IP_PRI_SECURITY). */
export const SECURITY_PRIORITY = 50;
export type LabelHook = 'input' | 'forward' | 'output';
export const LABEL_HOOKS: readonly LabelHook[] = ['input', 'forward', 'output'];

const LABEL_HOOKS_OF: Record<PolicyHook, readonly LabelHook[]> = {
  prerouting: ['input', 'forward'],
  forward: ['forward'],
  output: ['output'],
  postrouting: [],
};

const NEW: Match = { kind: 'ctstate', states: ['new'], invert: false };
const KNOWN: Match = { kind: 'ctstate', states: ['established', 'related'], invert: false };

export const labelBaseChain = (hook: LabelHook): BaseChainSpec => ({
  type: 'filter',
  hook,
  priority: SECURITY_PRIORITY,
  policy: 'accept',
});

/** A policy rule that sets a label, compiled with the label it sets. */
export interface LabelledRule {
  readonly compiled: CompiledPolicyRule;
  readonly label: SecmarkLabel;
}

/** The rules of the document that set a label, refusing a label set where the security hooks cannot. */
export function labelledRules(
  doc: MarkwrightDocument,
  compiled: readonly CompiledPolicyRule[],
): LabelledRule[] {
  const out: LabelledRule[] = [];
  (doc.policy?.rules ?? []).forEach((rule, i) => {
    if (rule.secmark === undefined) return;
    const label = doc.layout.secmarks?.find((l) => l.name === rule.secmark);
    if (!label) {
      throw new InputError(
        `policy.rules[${i}].set.secmark`,
        rule.secmark,
        'is not a label of layout.secmarks',
      );
    }
    const one = compiled[i]!;
    if (LABEL_HOOKS_OF[one.hook].length === 0) {
      throw new InputError(
        `policy.rules[${i}].hook`,
        one.hook,
        'a label is set at input, forward or output (the security hooks): use hook prerouting, forward or output',
      );
    }
    out.push({ compiled: one, label });
  });
  return out;
}

/**
 * The rules of one security hook: restore persisted labels on packets of known connections, set each label in
 * document order, and save a persisted label into the connection on its first packet. nft copies (`ct secmark
 * set meta secmark`); iptables uses CONNSECMARK, which saves only into an unlabelled connection and restores
 * only into an unlabelled packet. nft names the label's secmark object, iptables gives its context.
 */
export function labelChainRules(
  hook: LabelHook,
  labelled: readonly LabelledRule[],
  flavour: Flavour,
  family: 4 | 6 | null,
): Rule[] {
  const here = labelled.filter(
    ({ compiled: c }) =>
      LABEL_HOOKS_OF[c.hook].includes(hook) && (family === null || c.family === null || c.family === family),
  );
  // Every security hook restores when any label persists: replies the box sends carry the label too.
  const restore = labelled.some((l) => l.label.persist);
  if (here.length === 0 && !restore) return [];
  const mode = flavour === 'nft' ? 'copy' : 'connsecmark';
  const rules: Rule[] = [];
  if (restore) {
    rules.push({
      exprs: [KNOWN, { kind: 'secmarkCopy', dst: 'meta', mode }],
      comment: 'markwright: restore persisted labels',
    });
  }
  for (const { compiled, label } of here) {
    const head: Match[] =
      flavour === 'nft' && family !== null && compiled.family === null
        ? [{ kind: 'l3proto', family, invert: false }]
        : [];
    const set: RuleExpr = {
      kind: 'secmarkSet',
      dst: 'meta',
      label: flavour === 'nft' ? label.name : label.context,
    };
    rules.push({ exprs: [...head, ...compiled.matches, set], comment: compiled.comment });
    if (label.persist) {
      rules.push({
        exprs: [...head, ...compiled.matches, NEW, { kind: 'secmarkCopy', dst: 'ct', mode }],
        comment: compiled.comment,
      });
    }
  }
  return rules;
}

/** nft chains `label-input` ... at security priority, for the hooks that set a label. */
export function nftLabelChains(labelled: readonly LabelledRule[], family: 4 | 6 | null): Chain[] {
  return LABEL_HOOKS.map((hook) => ({
    name: `label-${hook}`,
    base: labelBaseChain(hook),
    rules: labelChainRules(hook, labelled, 'nft', family),
  })).filter((c) => c.rules.length > 0);
}
