import type { Ruleset } from '../ir/types';
import { FILE_KINDS, parseRulesetFile } from './registry';

export type RulesetSyntax = 'nft-json' | 'nft' | 'iptables';

/** Which syntax a ruleset file is written in, from its first meaningful characters (nft text when unsure). */
export function detectRulesetSyntax(text: string): RulesetSyntax {
  for (const { kind, language } of FILE_KINDS) {
    if (kind.part === 'ruleset' && language.detect(text) === kind) return kind.name as RulesetSyntax;
  }
  return 'nft';
}

/** Parse a ruleset in whichever syntax it is written: `nft -j list ruleset`, nft text, or iptables-save. */
export function parseRulesetAuto(text: string): { syntax: RulesetSyntax; ruleset: Ruleset } {
  const { kind, ruleset } = parseRulesetFile(text);
  return { syntax: kind.name as RulesetSyntax, ruleset };
}
