export { emitIpRuleBatch, emitIpRuleBatches, formatIpRule, ipRuleAddWords } from './rule';
