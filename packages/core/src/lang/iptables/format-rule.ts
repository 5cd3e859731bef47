import type { XtModule, XtRule } from './xt-rule';

const neg = (invert: boolean): string => (invert ? '! ' : '');

const moduleText = (flag: '-m' | '-j', m: XtModule): string =>
  `${flag} ${m.name}${m.text ? ` ${m.text}` : ''}`;

/**
 * The rule as iptables-save prints it after `-A CHAIN `: `-s -d -i -o -p -f`, the matches in load order,
 * then the target (nft_ipv4_save_rule / save_rule_details order).
 */
export function formatXtRule(rule: XtRule): string {
  const parts: string[] = [];
  if (rule.src) parts.push(`${neg(rule.src.invert)}-s ${rule.src.text}`);
  if (rule.dst) parts.push(`${neg(rule.dst.invert)}-d ${rule.dst.text}`);
  if (rule.iif) parts.push(`${neg(rule.iif.invert)}-i ${rule.iif.name}`);
  if (rule.oif) parts.push(`${neg(rule.oif.invert)}-o ${rule.oif.name}`);
  if (rule.proto) parts.push(`${neg(rule.proto.invert)}-p ${rule.proto.name}`);
  if (rule.fragment) parts.push(`${neg(rule.fragment.invert)}-f`);
  for (const m of rule.matches) parts.push(moduleText('-m', m));
  const t = rule.target;
  if (t?.kind === 'standard') parts.push(`-j ${t.name}`);
  else if (t?.kind === 'chain') parts.push(`${t.goto ? '-g' : '-j'} ${t.name}`);
  else if (t?.kind === 'module') parts.push(moduleText('-j', t.module));
  return parts.join(' ');
}
