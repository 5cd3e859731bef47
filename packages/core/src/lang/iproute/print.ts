export { emitIpRuleBatch, emitIpRuleBatches, formatIpRule, ipRuleAddWords } from './print-rule';
