export { parseNftJson } from './json';
export * from './language';
export { type NormalizeResult, normalizeNftRule } from './normalize';
export * from './print';
export { type ParsedRule, parseNftRuleBody, parseNftRuleDetailed } from './rule';
export { parseNftText } from './text';
