import type { MarkwrightDocument } from '../document/types';
import type { BoxConfig } from '../ir/types';
import type { RuleLanguage } from '../lang/language';
import { compileDocument, compileIptablesRuleset } from './compile-document';
import type { CompileOptions } from './options';

/**
 * The document compiled for one language: policy rules as nft expressions for nftables, as xtables modules
 * (MARK, CONNMARK) for iptables; ip rules and tc filters are the same either way.
 */
export function compileForLanguage(
  language: RuleLanguage,
  doc: MarkwrightDocument,
  options: CompileOptions = {},
): BoxConfig {
  const box = compileDocument(doc, options);
  return language.flavour === 'iptables' ? { ...box, ruleset: compileIptablesRuleset(doc, options) } : box;
}
