import { bodyOf, firstMeaningfulLine, IP_ROUTE_LINE, IP_RULE_LINE } from '../detect-text';
import type { FileKind, RuleLanguage } from '../language';
import { parseNftJson } from './json';
import { normalizeNftRule } from './normalize';
import { emitNftText } from './print-text';
import { parseNftText } from './text';

const TEXT: FileKind = {
  name: 'nft',
  part: 'ruleset',
  producedBy: 'nft list ruleset',
  load: ['nft', '-f', '-'],
};
const JSON_KIND: FileKind = {
  name: 'nft-json',
  part: 'ruleset',
  producedBy: 'nft -j list ruleset',
  load: ['nft', '-j', '-f', '-'],
};

/** Lines nft text never starts with, but iptables-save files and JSON listings do. */
const NOT_NFT = /^(\*|:|-|\[|COMMIT\b)/;

/** nftables: `nft list ruleset` text and `nft -j list ruleset` JSON; one `inet` table holds both families. */
export const nftLanguage: RuleLanguage = {
  name: 'nft',
  title: 'nftables',
  kinds: [TEXT, JSON_KIND],
  families: 'both',
  flavour: 'nft',
  targets: [{ name: 'nft' }],
  loader: () => TEXT.load!,
  detect(text) {
    if (bodyOf(text).startsWith('{')) return JSON_KIND;
    const first = firstMeaningfulLine(text);
    return NOT_NFT.test(first) || IP_RULE_LINE.test(first) || IP_ROUTE_LINE.test(first) ? null : TEXT;
  },
  parse(text, kind) {
    return { ruleset: kind.name === JSON_KIND.name ? parseNftJson(text) : parseNftText(text) };
  },
  print(box) {
    const tables = box.ruleset.tables.filter((t) => t.origin === 'nft');
    return tables.length === 0 ? [] : [{ argv: TEXT.load!, text: emitNftText({ tables }) }];
  },
  normalize: (line) => normalizeNftRule(line),
};
