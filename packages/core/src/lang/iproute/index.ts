export { formatIpCidr, parseIpCidr } from './address';
export * from './language';
export * from './print';
export { parseIpRoutesJson } from './routes';
export { ipRuleWarnings, parseIpRulesJson } from './rules';
export { parseIpRoutesAuto, parseIpRoutesText, parseIpRulesAuto, parseIpRulesText } from './text';
