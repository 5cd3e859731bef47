export * from '../../bits/xt-mark';
export { formatXtRule } from './format-rule';
export { parseXtAddress, protoName, protoNumber } from './generic';
export * from './language';
export { looksLikeListRules, parseIptablesListRules } from './list-rules';
export { parseXtRule, type XtParseContext } from './parse-rule';
export * from './print';
export {
  type IptablesNormalizeResult,
  type IptablesRuleContext,
  normalizeIptablesRule,
  parseIptablesRule,
} from './rule';
export { type IptablesSaveOptions, parseIptablesSave } from './save';
export { builtinBase, builtinChains, isXtTable, XT_TABLES, type XtTableName } from './tables';
export { opaqueXt, type XtRaw, xtRuleToIr } from './to-ir';
export type * from './xt-rule';
