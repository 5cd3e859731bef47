import { firstListedKeys } from '../detect-text';
import type { FileKind, RuleLanguage } from '../language';
import { emitIpRuleBatches } from './print-rule';
import { parseIpRoutesJson } from './routes';
import { parseIpRulesJson } from './rules';

const RULES: FileKind = { name: 'ip-rule-json', part: 'ipRules', producedBy: 'ip -j rule show' };
const ROUTES: FileKind = {
  name: 'ip-route-json',
  part: 'routes',
  producedBy: 'ip -j route show table all',
};

/** iproute2: `ip -j rule` and `ip -j route` listings in, `ip -4|-6 -batch` rule loads out. */
export const iprouteLanguage: RuleLanguage = {
  name: 'iproute',
  title: 'iproute2',
  kinds: [RULES, ROUTES],
  families: 'per-family',
  flavour: 'nft',
  targets: [{ name: 'ip-rule' }],
  loader: (family = 4) => ['ip', `-${family}`, '-batch', '-'],
  detect(text) {
    const keys = firstListedKeys(text);
    if (!keys) return null;
    if (keys.has('priority')) return RULES;
    return keys.has('dst') ? ROUTES : null;
  },
  parse(text, kind, options = {}) {
    return kind.name === RULES.name
      ? { ipRules: parseIpRulesJson(text, options.family) }
      : { routes: parseIpRoutesJson(text, options.family) };
  },
  print(box, options = {}) {
    return emitIpRuleBatches(box.ipRules)
      .filter((b) => (options.family ?? b.family) === b.family)
      .map(({ argv, text }) => ({ argv, text }));
  },
};
