import { firstListedKeys, firstMeaningfulLine, IP_ROUTE_LINE, IP_RULE_LINE } from '../detect-text';
import type { FileKind, RuleLanguage } from '../language';
import { emitIpRuleBatches } from './print-rule';
import { parseIpRoutesJson } from './routes';
import { parseIpRulesJson } from './rules';
import { parseIpRoutesText, parseIpRulesText } from './text';

const RULES: FileKind = { name: 'ip-rule-json', part: 'ipRules', producedBy: 'ip -j rule show' };
const ROUTES: FileKind = {
  name: 'ip-route-json',
  part: 'routes',
  producedBy: 'ip -j route show table all',
};
const RULES_TEXT: FileKind = { name: 'ip-rule', part: 'ipRules', producedBy: 'ip rule show' };
const ROUTES_TEXT: FileKind = { name: 'ip-route', part: 'routes', producedBy: 'ip route show table all' };

/** iproute2: `ip -j rule` and `ip -j route` listings in, `ip -4|-6 -batch` rule loads out. */
export const iprouteLanguage: RuleLanguage = {
  name: 'iproute',
  title: 'iproute2',
  kinds: [RULES, ROUTES, RULES_TEXT, ROUTES_TEXT],
  families: 'per-family',
  flavour: 'nft',
  targets: [{ name: 'ip-rule' }],
  loader: (family = 4) => ['ip', `-${family}`, '-batch', '-'],
  detect(text) {
    const first = firstMeaningfulLine(text);
    if (IP_RULE_LINE.test(first)) return RULES_TEXT;
    if (IP_ROUTE_LINE.test(first)) return ROUTES_TEXT;
    const keys = firstListedKeys(text);
    if (!keys) return null;
    if (keys.has('priority')) return RULES;
    return keys.has('dst') ? ROUTES : null;
  },
  parse(text, kind, options = {}) {
    if (kind.name === RULES_TEXT.name) return { ipRules: parseIpRulesText(text, options.family) };
    if (kind.name === ROUTES_TEXT.name) return { routes: parseIpRoutesText(text, options.family) };
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
