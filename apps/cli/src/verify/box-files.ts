import {
  type BoxConfig,
  type Cidr,
  InputError,
  type IpRule,
  parseJsonText,
  parseU32,
  type Route,
  type RouteType,
  type Ruleset,
  type TcFilter,
} from '@markwright/core';
import * as parse from '@markwright/core/parse';
import { readTextFile } from '../commands/layout';

/** The files a box is described by, as `simulate` and `--verify` take them. */
export interface BoxFiles {
  readonly ruleset: string;
  readonly ipRules?: string;
  readonly routes?: string;
  readonly tc?: string;
  readonly tcDev?: string;
}

export interface LoadedBox {
  readonly box: BoxConfig;
  readonly rulesetText: string;
  readonly syntax: 'nft-json' | 'nft' | 'iptables';
}

type Parser<T> = (text: string, ...rest: string[]) => T;
/** The iproute2/tc readers of core's parse package, when this build has them. */
const coreParser = <T>(name: string): Parser<T> | null => {
  const fn = (parse as Record<string, unknown>)[name];
  return typeof fn === 'function' ? (fn as Parser<T>) : null;
};

/** Re-raise a core input error with the file it came from in front of the field. */
function inFile<T>(file: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof InputError && !error.field.startsWith(file)) {
      throw new InputError(
        `${file}: ${error.field}`,
        error.value,
        error.message.slice(error.field.length + 2),
      );
    }
    throw error;
  }
}

const TABLE_IDS: Readonly<Record<string, string>> = { '255': 'local', '254': 'main', '253': 'default' };

function cidrOf(text: string, len: unknown, family: 4 | 6 | null, field: string): Cidr {
  const [address, prefixText] = text.split('/');
  const fam = family ?? (address!.includes(':') ? 6 : 4);
  if (text === 'default' || text === 'all')
    return { family: fam, address: fam === 4 ? '0.0.0.0' : '::', prefix: 0 };
  const max = fam === 4 ? 32 : 128;
  const prefix = typeof len === 'number' ? len : prefixText === undefined ? max : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max)
    throw new InputError(field, text, 'has a bad prefix length');
  return { family: fam, address: address!, prefix };
}

/** `ip -j rule show` (or `ip -6 -j rule show`) output, read directly. */
export function readIpRulesJson(text: string, file: string): IpRule[] {
  const data = parseJsonText(text, file);
  if (!Array.isArray(data))
    throw new InputError(file, typeof data, 'must be the JSON array `ip -j rule show` prints');
  return data.map((raw, i): IpRule => {
    const at = `${file}[${i}]`;
    const r = raw as Record<string, unknown>;
    if (typeof r.priority !== 'number')
      throw new InputError(`${at}.priority`, r.priority, 'must be a number');
    const src = typeof r.src === 'string' ? r.src : 'all';
    const dst = typeof r.dst === 'string' ? r.dst : 'all';
    const family: 4 | 6 = src.includes(':') || dst.includes(':') || r.family === 'inet6' ? 6 : 4;
    const action: IpRule['action'] =
      typeof r.goto === 'number'
        ? { kind: 'goto', priority: r.goto }
        : typeof r.action === 'string' && ['blackhole', 'unreachable', 'prohibit', 'nop'].includes(r.action)
          ? { kind: r.action as 'blackhole' }
          : { kind: 'table', table: TABLE_IDS[String(r.table)] ?? String(r.table ?? 'main') };
    const fwmark =
      typeof r.fwmark === 'string'
        ? {
            value: parseU32(r.fwmark, `${at}.fwmark`),
            mask: typeof r.fwmask === 'string' ? parseU32(r.fwmask, `${at}.fwmask`) : 0xffffffff,
          }
        : undefined;
    return {
      family,
      priority: r.priority,
      not: 'not' in r,
      ...(src !== 'all' ? { from: cidrOf(src, r.srclen, family, `${at}.src`) } : {}),
      ...(dst !== 'all' ? { to: cidrOf(dst, r.dstlen, family, `${at}.dst`) } : {}),
      ...(typeof r.iif === 'string' ? { iif: r.iif } : {}),
      ...(typeof r.oif === 'string' ? { oif: r.oif } : {}),
      ...(fwmark ? { fwmark } : {}),
      ...(typeof r.suppress_prefixlen === 'number' ? { suppressPrefixlength: r.suppress_prefixlen } : {}),
      action,
    };
  });
}

const ROUTE_TYPES = new Set([
  'unicast',
  'local',
  'broadcast',
  'blackhole',
  'unreachable',
  'prohibit',
  'throw',
  'multicast',
  'anycast',
  'nat',
]);

/** `ip -j route show table all` output, read directly. */
export function readRoutesJson(text: string, file: string): Route[] {
  const data = parseJsonText(text, file);
  if (!Array.isArray(data))
    throw new InputError(file, typeof data, 'must be the JSON array `ip -j route show` prints');
  return data.map((raw, i): Route => {
    const at = `${file}[${i}]`;
    const r = raw as Record<string, unknown>;
    if (typeof r.dst !== 'string') throw new InputError(`${at}.dst`, r.dst, 'must be a destination');
    const type = typeof r.type === 'string' ? r.type : 'unicast';
    if (!ROUTE_TYPES.has(type)) throw new InputError(`${at}.type`, r.type, 'is not a route type');
    const gateway = typeof r.gateway === 'string' ? r.gateway : undefined;
    const hint = r.dst !== 'default' ? r.dst : (gateway ?? (typeof r.prefsrc === 'string' ? r.prefsrc : ''));
    const family: 4 | 6 = hint.includes(':') ? 6 : 4;
    return {
      family,
      table: TABLE_IDS[String(r.table)] ?? String(r.table ?? 'main'),
      type: type as RouteType,
      dst: cidrOf(r.dst, undefined, family, `${at}.dst`),
      ...(typeof r.dev === 'string' ? { dev: r.dev } : {}),
      ...(gateway ? { gateway } : {}),
      ...(typeof r.metric === 'number' ? { metric: r.metric } : {}),
      ...(typeof r.prefsrc === 'string' ? { prefsrc: r.prefsrc } : {}),
      ...(typeof r.protocol === 'string' ? { protocol: r.protocol } : {}),
      ...(typeof r.scope === 'string' ? { scope: r.scope } : {}),
    };
  });
}

/** Read every file of a box; each error names the file and the field in it. */
export function loadBox(files: BoxFiles): LoadedBox {
  const rulesetText = readTextFile(files.ruleset);
  const { syntax, ruleset } = inFile(files.ruleset, () => parse.parseRulesetAuto(rulesetText)) as {
    syntax: LoadedBox['syntax'];
    ruleset: Ruleset;
  };
  let ipRules: IpRule[] = [];
  if (files.ipRules) {
    const file = files.ipRules;
    const text = readTextFile(file);
    const core = coreParser<IpRule[]>('parseIpRulesJson');
    ipRules = inFile(file, () => (core ? core(text) : readIpRulesJson(text, file)));
  }
  let routes: Route[] = [];
  if (files.routes) {
    const file = files.routes;
    const text = readTextFile(file);
    const core = coreParser<Route[]>('parseIpRoutesJson');
    routes = inFile(file, () => (core ? core(text) : readRoutesJson(text, file)));
  }
  let tcFilters: TcFilter[] = [];
  if (files.tc) {
    const file = files.tc;
    if (!files.tcDev)
      throw new InputError(
        '--tc-dev',
        null,
        'is needed with --tc (tc -j filter show does not name the device)',
      );
    const core = coreParser<TcFilter[]>('parseTcFiltersJson');
    if (!core) throw new InputError('--tc', file, 'cannot be read: this build has no tc filter reader');
    const text = readTextFile(file);
    tcFilters = inFile(file, () => core(text, files.tcDev!));
  }
  return { box: { ruleset, ipRules, routes, tcFilters }, rulesetText, syntax };
}
