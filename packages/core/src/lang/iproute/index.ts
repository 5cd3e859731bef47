export { formatIpCidr, parseIpCidr } from './address';
export { parseIpRoutesJson } from './routes';
export { ipRuleWarnings, parseIpRulesJson } from './rules';
