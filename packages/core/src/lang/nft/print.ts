export { emitNftJson, exprJson, verdictJson } from './print-json';
export { emitNftExpr, emitNftRule, markKeyText, type NftRuleContext, verdictText } from './print-rule';
export { emitNftTable, emitNftText } from './print-text';
