export { checkLive, type LiveCheckOptions } from './live-check';
export { boundTable, documentBox, grownClass, intended, seenOutcome } from './live-outcome';
export { observerScript, observerTable, parseObserved } from './observer';
