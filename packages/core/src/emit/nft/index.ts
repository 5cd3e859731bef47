export { emitNftJson, exprJson, verdictJson } from './json';
export { emitNftExpr, emitNftRule, markKeyText, verdictText } from './rule';
export { emitNftTable, emitNftText } from './text';
