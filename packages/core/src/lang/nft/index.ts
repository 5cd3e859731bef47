export { parseNftJson } from './json';
export { type NormalizeResult, normalizeNftRule } from './normalize';
export { type ParsedRule, parseNftRuleBody, parseNftRuleDetailed } from './rule';
export { parseNftText } from './text';
