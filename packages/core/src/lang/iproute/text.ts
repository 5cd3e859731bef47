import { InputError } from '../../bits/errors';
import type { IpRule, Route } from '../../ir/types';
import { parseIpRoutesJson, ROUTE_TYPES } from './routes';
import { parseIpRulesJson } from './rules';

// `ip rule show` and `ip route show` as people paste them: each line is turned into the object `ip -j` prints
// for it, so the JSON readers' checks (addresses, marks, actions, types) apply to text just the same.

type Obj = Record<string, unknown>;

const RULE_ACTIONS = new Set(['blackhole', 'unreachable', 'prohibit']);
/** Keys `ip rule` prints with one value, under the name `ip -j` uses. */
const RULE_VALUE_KEYS: Readonly<Record<string, string>> = {
  iif: 'iif',
  oif: 'oif',
  lookup: 'table',
  table: 'table',
  goto: 'goto',
  proto: 'protocol',
  protocol: 'protocol',
  suppress_prefixlength: 'suppress_prefixlen',
  suppress_ifgroup: 'suppress_ifgroup',
  tos: 'tos',
  dsfield: 'tos',
  ipproto: 'ipproto',
  realms: 'realms',
  flowid: 'flowid',
  tun_id: 'tun_id',
  fwmark: 'fwmark',
};
const NUMERIC = new Set(['goto', 'suppress_prefixlen']);

function lineError(what: string, n: number, line: string, why: string): InputError {
  return new InputError(`${what} line ${n}`, line, why);
}

function cidr(o: Obj, key: 'src' | 'dst', value: string): void {
  const [addr, len] = value.split('/');
  o[key] = addr;
  if (len !== undefined) o[`${key}len`] = Number(len);
}

/** One `ip rule show` line (`10000:	from all fwmark 0x1/0x3 lookup 100 proto 77`) as `ip -j rule` prints it. */
function ruleObject(line: string, n: number): Obj {
  const m = /^(\d+):\s+(.*)$/.exec(line);
  if (!m) throw lineError('ip rule', n, line, 'expected "PRIORITY:" and the rule');
  const o: Obj = { priority: Number(m[1]) };
  const words = m[2]!.trim().split(/\s+/);
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const value = words[i + 1];
    if (w === 'not') o.not = null;
    else if (w === 'from' || w === 'to') {
      if (value === undefined) throw lineError('ip rule', n, line, `"${w}" needs an address or "all"`);
      cidr(o, w === 'from' ? 'src' : 'dst', value);
      i++;
    } else if (w === 'fwmark') {
      if (value === undefined) throw lineError('ip rule', n, line, '"fwmark" needs a value');
      const [mark, mask] = value.split('/');
      o.fwmark = mark;
      if (mask !== undefined) o.fwmask = mask;
      i++;
    } else if (RULE_ACTIONS.has(w)) o.action = w;
    else if (w === 'nop') o.nop = null;
    else if (w === 'l3mdev') o.l3mdev = true;
    else if (w === '[detached]') o[`${words[i - 2] === 'oif' ? 'oif' : 'iif'}_detached`] = null;
    else if (w === 'uidrange' || w === 'sport' || w === 'dport') {
      if (value === undefined) throw lineError('ip rule', n, line, `"${w}" needs a value`);
      const range = /^(\d+)-(\d+)$/.exec(value);
      const key = w === 'uidrange' ? 'uid' : w;
      if (range) {
        o[`${key}_start`] = Number(range[1]);
        o[`${key}_end`] = Number(range[2]);
      } else o[key] = Number(value);
      i++;
    } else if (w in RULE_VALUE_KEYS) {
      if (value === undefined) throw lineError('ip rule', n, line, `"${w}" needs a value`);
      const key = RULE_VALUE_KEYS[w]!;
      o[key] = NUMERIC.has(key) ? Number(value) : value;
      i++;
    } else throw lineError('ip rule', n, line, `unknown word "${w}"`);
  }
  return o;
}

const lines = (text: string) =>
  text
    .split('\n')
    .map((l, i) => ({ line: l.trim(), n: i + 1 }))
    .filter((l) => l.line !== '');

/** `ip [-4|-6] rule show` text. */
export function parseIpRulesText(text: string, family: 4 | 6 = 4): IpRule[] {
  const objects = lines(text).map(({ line, n }) => ruleObject(line, n));
  return parseIpRulesJson(JSON.stringify(objects), family);
}

const ROUTE_TYPE_WORDS: ReadonlySet<string> = new Set(ROUTE_TYPES);
const ROUTE_VALUE_KEYS: Readonly<Record<string, string>> = {
  table: 'table',
  dev: 'dev',
  via: 'gateway',
  metric: 'metric',
  proto: 'protocol',
  scope: 'scope',
  src: 'prefsrc',
  mtu: 'mtu',
  advmss: 'advmss',
  pref: 'pref',
  expires: 'expires',
  realm: 'realm',
  weight: 'weight',
  nhid: 'nhid',
};

/** One `ip route show table all` line as `ip -j route` prints it. */
function routeObject(line: string, n: number): Obj {
  const words = line.split(/\s+/);
  const o: Obj = {};
  let i = 0;
  if (ROUTE_TYPE_WORDS.has(words[0]!) && words.length > 1) o.type = words[i++];
  o.dst = words[i++];
  for (; i < words.length; i++) {
    const w = words[i]!;
    const value = words[i + 1];
    if (w === 'linkdown' || w === 'onlink' || w === 'dead' || w === 'offload') continue;
    if (w in ROUTE_VALUE_KEYS) {
      if (value === undefined) throw lineError('ip route', n, line, `"${w}" needs a value`);
      const key = ROUTE_VALUE_KEYS[w]!;
      if (key === 'gateway' && value === 'inet6') i++;
      o[key] = key === 'metric' ? Number(words[i + 1]) : words[i + 1];
      i++;
    } else if (w === 'cache' || w === 'nexthop')
      break; // multipath and cache details are not modelled
    else throw lineError('ip route', n, line, `unknown word "${w}"`);
  }
  return o;
}

/** `ip [-4|-6] route show [table all]` text. */
export function parseIpRoutesText(text: string, family?: 4 | 6): Route[] {
  const objects = lines(text).map(({ line, n }) => routeObject(line, n));
  return parseIpRoutesJson(JSON.stringify(objects), family);
}

/** `ip -j rule show` JSON or `ip rule show` text, whichever the text is. */
export const parseIpRulesAuto = (text: string, family: 4 | 6 = 4): IpRule[] =>
  text.trimStart().startsWith('[') ? parseIpRulesJson(text, family) : parseIpRulesText(text, family);

/** `ip -j route show` JSON or `ip route show` text, whichever the text is. */
export const parseIpRoutesAuto = (text: string, family?: 4 | 6): Route[] =>
  text.trimStart().startsWith('[') ? parseIpRoutesJson(text, family) : parseIpRoutesText(text, family);
