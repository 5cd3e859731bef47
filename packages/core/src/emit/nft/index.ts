export { emitNftJson, exprJson, verdictJson } from './json';
export { emitNftExpr, emitNftRule, markKeyText, type NftRuleContext, verdictText } from './rule';
export { emitNftTable, emitNftText } from './text';
