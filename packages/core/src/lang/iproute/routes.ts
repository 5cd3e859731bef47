import { InputError } from '../../bits/errors';
import type { Route, RouteType } from '../../ir/types';
import { familyOf } from '../../net/address';
import { parseIpCidr } from './address';
import { num, parseJsonArray, str } from './json';

/** The route types iproute2 prints (`ip route` text and JSON). */
export const ROUTE_TYPES: readonly RouteType[] = [
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
];

/**
 * `ip [-4|-6] -j route show table all`. Without `-4`/`-6`, iproute2 6.1 lists both families; each route's
 * family comes from its addresses, and `family` decides for routes that carry none (`default` blackholes).
 */
export function parseIpRoutesJson(text: string, family?: 4 | 6): Route[] {
  return parseJsonArray(text, 'ip route').map((o, i) => {
    const at = `ip route[${i}]`;
    const dstText = str(o, 'dst', at);
    if (dstText === undefined) throw new InputError(`${at}.dst`, o, 'is missing');
    const gateway = str(o, 'gateway', at);
    const prefsrc = str(o, 'prefsrc', at);
    const f =
      familyOf(dstText.split('/')[0]!) ??
      (gateway ? familyOf(gateway) : null) ??
      (prefsrc ? familyOf(prefsrc) : null) ??
      family ??
      4;
    const type = (str(o, 'type', at) ?? 'unicast') as RouteType;
    if (!ROUTE_TYPES.includes(type))
      throw new InputError(`${at}.type`, type, `must be one of ${ROUTE_TYPES.join(', ')}`);
    const dev = str(o, 'dev', at);
    const metric = num(o, 'metric', at);
    const protocol = o.protocol === undefined ? undefined : String(o.protocol);
    const scope = str(o, 'scope', at);
    return {
      family: f,
      table: o.table === undefined ? 'main' : String(o.table),
      type,
      dst: parseIpCidr(dstText, undefined, f, `${at}.dst`),
      ...(dev !== undefined ? { dev } : {}),
      ...(gateway !== undefined ? { gateway } : {}),
      ...(metric !== undefined ? { metric } : {}),
      ...(prefsrc !== undefined ? { prefsrc } : {}),
      ...(protocol !== undefined ? { protocol } : {}),
      ...(scope !== undefined ? { scope } : {}),
    };
  });
}
