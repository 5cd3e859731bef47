export { emitNftExpr, emitNftRule, markKeyText, verdictText } from './rule';
export { emitNftTable, emitNftText } from './text';
