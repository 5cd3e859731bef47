import { InputError } from '../../bits/errors';
import type { IpRule } from '../../ir/types';
import { formatIpCidr } from './address';

/** iproute2 prints marks with `%#llx`: `0` for zero, `0xca6c` otherwise. */
const markHex = (n: number): string => (n === 0 ? '0' : `0x${(n >>> 0).toString(16)}`);

function range(extra: Readonly<Record<string, unknown>>, key: string): string | undefined {
  if (extra[key] !== undefined) return String(extra[key]);
  const lo = extra[`${key}_start`];
  const hi = extra[`${key}_end`];
  if (lo === undefined) return undefined;
  return lo === hi ? String(lo) : `${lo}-${hi}`;
}

/** The selectors kept in `extra` that `ip rule` can write back, in the order iprule.c prints them. */
function extraWords(rule: IpRule, where: string): { beforeAction: string[] } {
  const extra = rule.extra ?? {};
  const words: string[] = [];
  const known = new Set([
    'tos',
    'dsfield',
    'uid_start',
    'uid_end',
    'ipproto',
    'sport',
    'sport_start',
    'sport_end',
    'dport',
    'dport_start',
    'dport_end',
    'l3mdev',
    'flags',
  ]);
  for (const k of Object.keys(extra)) {
    if (!known.has(k))
      throw new InputError(`${where}.extra.${k}`, extra[k], 'is a selector ip rule cannot be given here');
  }
  if (extra.tos !== undefined) words.push('tos', String(extra.tos));
  if (extra.dsfield !== undefined) words.push('dsfield', String(extra.dsfield));
  if ('l3mdev' in extra) words.push('l3mdev');
  const uid = extra.uid_start !== undefined ? `${extra.uid_start}-${extra.uid_end}` : undefined;
  if (uid) words.push('uidrange', uid);
  if (extra.ipproto !== undefined) words.push('ipproto', String(extra.ipproto));
  const sport = range(extra, 'sport');
  if (sport) words.push('sport', sport);
  const dport = range(extra, 'dport');
  if (dport) words.push('dport', dport);
  return { beforeAction: words };
}

function actionWords(rule: IpRule): string[] {
  const a = rule.action;
  switch (a.kind) {
    case 'table':
      return ['lookup', a.table];
    case 'goto':
      return ['goto', String(a.priority)];
    default:
      return [a.kind];
  }
}

/** One rule exactly as `ip rule show` prints it: `100:\tfrom all fwmark 0xca6c lookup 51820`. */
export function formatIpRule(rule: IpRule): string {
  const w: string[] = [];
  if (rule.not) w.push('not');
  w.push('from', rule.from ? formatIpCidr(rule.from, 'all') : 'all');
  if (rule.to) w.push('to', formatIpCidr(rule.to, 'all'));
  const { beforeAction } = extraWords(rule, `ip rule ${rule.priority}`);
  const tos = beforeAction.splice(0, beforeAction[0] === 'tos' || beforeAction[0] === 'dsfield' ? 2 : 0);
  w.push(...tos);
  const m = rule.fwmark;
  // The kernel leaves out a zero mark with a zero mask: such a rule prints without fwmark.
  if (m && (m.value !== 0 || m.mask !== 0)) {
    w.push('fwmark', m.mask === 0xffffffff ? markHex(m.value) : `${markHex(m.value)}/${markHex(m.mask)}`);
  }
  if (rule.iif) w.push('iif', rule.iif);
  if (rule.oif) w.push('oif', rule.oif);
  w.push(...beforeAction);
  w.push(...actionWords(rule));
  if (rule.suppressPrefixlength !== undefined)
    w.push('suppress_prefixlength', String(rule.suppressPrefixlength));
  if (rule.protocol !== undefined) w.push('proto', rule.protocol);
  return `${rule.priority}:\t${w.join(' ')}`;
}

/** The words after `ip rule add` that recreate the rule; a mark is always written with its mask. */
export function ipRuleAddWords(rule: IpRule): string[] {
  const where = `ip rule ${rule.priority}`;
  const w: string[] = ['priority', String(rule.priority)];
  if (rule.not) w.push('not');
  if (rule.from) w.push('from', `${rule.from.address}/${rule.from.prefix}`);
  if (rule.to) w.push('to', `${rule.to.address}/${rule.to.prefix}`);
  if (rule.fwmark) {
    // Never a bare `fwmark 0`: ip rule add reads it as mask 0, which matches every packet.
    w.push(
      'fwmark',
      `0x${(rule.fwmark.value >>> 0).toString(16)}/0x${(rule.fwmark.mask >>> 0).toString(16)}`,
    );
  }
  if (rule.iif) w.push('iif', rule.iif);
  if (rule.oif) w.push('oif', rule.oif);
  w.push(...extraWords(rule, where).beforeAction);
  const a = rule.action;
  if (a.kind === 'table') w.push('table', a.table);
  else if (a.kind === 'goto') w.push('goto', String(a.priority));
  else w.push(a.kind);
  if (rule.suppressPrefixlength !== undefined)
    w.push('suppress_prefixlength', String(rule.suppressPrefixlength));
  if (rule.protocol !== undefined) w.push('protocol', rule.protocol);
  for (const word of w) {
    if (!/^[A-Za-z0-9_.:/@+-]+$/.test(word))
      throw new InputError(where, word, 'is not a word ip -batch can read');
  }
  return w;
}

/**
 * `ip -batch` lines (`rule add ...`) for rules of one family. iproute2 6.1 takes the family only from the
 * command line (`ip -6 -batch -`): a `-6` inside a batch line is refused ("Object "-6" is unknown"), so
 * IPv4 and IPv6 rules go to separate batches (see emitIpRuleBatches).
 */
export function emitIpRuleBatch(rules: readonly IpRule[]): string {
  const families = new Set(rules.map((r) => r.family));
  if (families.size > 1) {
    throw new InputError(
      'rules',
      [...families],
      'mix IPv4 and IPv6: ip -batch takes one family; use emitIpRuleBatches',
    );
  }
  return rules.map((r) => `rule add ${ipRuleAddWords(r).join(' ')}\n`).join('');
}

/** One batch per family with the argv that reads it from stdin. */
export function emitIpRuleBatches(
  rules: readonly IpRule[],
): { family: 4 | 6; argv: string[]; text: string }[] {
  return ([4, 6] as const)
    .map((family) => ({ family, rules: rules.filter((r) => r.family === family) }))
    .filter((b) => b.rules.length > 0)
    .map((b) => ({
      family: b.family,
      argv: ['ip', `-${b.family}`, '-batch', '-'],
      text: emitIpRuleBatch(b.rules),
    }));
}
