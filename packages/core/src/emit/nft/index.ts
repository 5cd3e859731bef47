export { emitNftExpr, emitNftRule, markKeyText, verdictText } from './rule';
