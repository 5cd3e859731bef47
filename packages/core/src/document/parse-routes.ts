// `policy.routes`: ip rule bindings (fwmark, iif, oif, from, to, not, suppress_prefixlength) and the tables they own.
import type { Layout } from '../layout/types';
import { familyOfPrefix, readAddress, readFieldValues, readIfname } from './parse-common';
import type { JsonObject, Reader } from './reader';
import { bindingFamilies, tableRouteFamilies } from './route-families';
import type { OwnedTableSpec, RouteBinding, RouteCopy, TableRoute, TableRouteType } from './types';

/** Priorities ip rule accepts for our rules: 0 is the local table rule, 32766/32767 main and default. */
export const ROUTE_PRIORITY_MIN = 1;
export const ROUTE_PRIORITY_MAX = 32765;
/** Tables the kernel reserves: 253 default, 254 main, 255 local (0 is "unspecified"). */
export const RESERVED_TABLES: ReadonlyMap<number, string> = new Map([
  [253, 'default'],
  [254, 'main'],
  [255, 'local'],
]);
const MAIN_TABLE = 254;
const ROUTE_TYPES: readonly TableRouteType[] = ['unicast', 'blackhole', 'unreachable', 'prohibit', 'throw'];
const BINDING_KEYS = [
  'when',
  'iif',
  'oif',
  'from',
  'to',
  'not',
  'suppress_prefixlength',
  'table',
  'priority',
  'family',
  'owns',
];

/** A table id; main is allowed only for a binding that suppresses prefixes (`lookup main suppress_prefixlength 0`). */
function readTable(r: Reader, obj: JsonObject, path: string): number | undefined {
  const table = r.integer(obj.table, `${path}.table`, 1, 0xffffffff, 'a routing table id');
  if (table === undefined || !RESERVED_TABLES.has(table)) return table;
  if (table === MAIN_TABLE && obj.suppress_prefixlength !== undefined && obj.owns === undefined) return table;
  const why =
    table === MAIN_TABLE
      ? '; only a binding with suppress_prefixlength may look it up, and none may own it'
      : '';
  return r.fail(
    `${path}.table`,
    obj.table,
    `table ${table} is the kernel's "${RESERVED_TABLES.get(table)}" table (reserved${why})`,
  );
}

/** `to` of an owned route: "default" or a prefix; its family when the text says it. */
function readDestination(r: Reader, raw: unknown, path: string): { to: string; family?: 4 | 6 } | undefined {
  if (raw === 'default') return { to: 'default' };
  const to = readAddress(r, raw, path);
  return to === undefined ? undefined : { to, family: familyOfPrefix(to) };
}

function readTableRoute(
  r: Reader,
  raw: unknown,
  path: string,
  families: readonly (4 | 6)[],
): TableRoute | undefined {
  const obj = r.object(raw, path, ['to', 'via', 'dev', 'type', 'metric']);
  if (!obj) return undefined;
  const before = r.errors.length;
  const dest = readDestination(r, obj.to, `${path}.to`);
  const via = obj.via === undefined ? undefined : readAddress(r, obj.via, `${path}.via`);
  if (via?.includes('/')) r.fail(`${path}.via`, via, 'must be an address, not a prefix');
  const dev = obj.dev === undefined ? undefined : readIfname(r, obj.dev, `${path}.dev`);
  const type = obj.type === undefined ? undefined : r.oneOf(obj.type, `${path}.type`, ROUTE_TYPES);
  const metric =
    obj.metric === undefined ? undefined : r.integer(obj.metric, `${path}.metric`, 0, 0xffffffff, 'a metric');
  if (r.errors.length !== before || !dest) return undefined;
  const viaFamily = via === undefined ? undefined : familyOfPrefix(via);
  if (dest.family !== undefined && viaFamily !== undefined && dest.family !== viaFamily) {
    return r.fail(`${path}.via`, via, `is an IPv${viaFamily} gateway for an IPv${dest.family} destination`);
  }
  const family = dest.family ?? viaFamily;
  if (family !== undefined && !families.includes(family)) {
    const at = dest.family !== undefined ? `${path}.to` : `${path}.via`;
    return r.fail(at, dest.family !== undefined ? dest.to : via, `is IPv${family}; the binding is not`);
  }
  if ((type ?? 'unicast') === 'unicast' && via === undefined && dev === undefined) {
    return r.fail(path, raw, 'a unicast route needs "via" or "dev"');
  }
  if (type !== undefined && type !== 'unicast' && (via !== undefined || dev !== undefined)) {
    return r.fail(`${path}.type`, type, 'a route of this type takes neither "via" nor "dev"');
  }
  return {
    to: dest.to,
    ...(via !== undefined && { via }),
    ...(dev !== undefined && { dev }),
    ...(type !== undefined && { type }),
    ...(metric !== undefined && { metric }),
  };
}

function readCopy(r: Reader, raw: unknown, path: string): RouteCopy | undefined {
  const obj = r.object(raw, path, ['dev', 'connected', 'local']);
  if (!obj) return undefined;
  const dev = readIfname(r, obj.dev, `${path}.dev`);
  const connected = obj.connected === undefined ? undefined : r.boolean(obj.connected, `${path}.connected`);
  const local = obj.local === undefined ? undefined : r.boolean(obj.local, `${path}.local`);
  if (dev === undefined) return undefined;
  if (
    (obj.connected !== undefined && connected === undefined) ||
    (obj.local !== undefined && local === undefined)
  )
    return undefined;
  if (connected === false && local !== true) {
    return r.fail(path, raw, 'copies nothing: set "connected" or "local" to true');
  }
  return { dev, ...(connected !== undefined && { connected }), ...(local !== undefined && { local }) };
}

function readOwns(
  r: Reader,
  raw: unknown,
  path: string,
  families: readonly (4 | 6)[],
): OwnedTableSpec | undefined {
  const obj = r.object(raw, path, ['routes', 'copy']);
  if (!obj) return undefined;
  const before = r.errors.length;
  const routes: TableRoute[] = [];
  const seen = new Map<string, number>();
  (obj.routes === undefined ? [] : (r.array(obj.routes, `${path}.routes`) ?? [])).forEach((item, i) => {
    const at = `${path}.routes[${i}]`;
    const route = readTableRoute(r, item, at, families);
    if (!route) return;
    for (const family of tableRouteFamilies(route, families)) {
      const key = `${family} ${route.to} ${route.metric ?? 0}`;
      const other = seen.get(key);
      if (other !== undefined) {
        r.fail(
          `${at}.to`,
          route.to,
          `is already routed by ${path}.routes[${other}] (same destination and metric)`,
        );
        return;
      }
      seen.set(key, i);
    }
    routes.push(route);
  });
  const copy: RouteCopy[] = [];
  const devs = new Map<string, number>();
  (obj.copy === undefined ? [] : (r.array(obj.copy, `${path}.copy`) ?? [])).forEach((item, i) => {
    const entry = readCopy(r, item, `${path}.copy[${i}]`);
    if (!entry) return;
    const other = devs.get(entry.dev);
    if (other !== undefined) {
      r.fail(`${path}.copy[${i}].dev`, entry.dev, `is already copied by ${path}.copy[${other}]`);
      return;
    }
    devs.set(entry.dev, i);
    copy.push(entry);
  });
  if (r.errors.length !== before) return undefined;
  if (routes.length === 0 && copy.length === 0) return r.fail(path, raw, 'must declare "routes" or "copy"');
  return { routes, copy };
}

/** The selector's prefixes fix the rule's family: both must agree with each other and with `family`. */
function selectorFamily(
  r: Reader,
  path: string,
  from: string | undefined,
  to: string | undefined,
  family: 4 | 6 | 'both' | undefined,
): 4 | 6 | 'both' | undefined | null {
  const fromFamily = from === undefined ? undefined : familyOfPrefix(from);
  const toFamily = to === undefined ? undefined : familyOfPrefix(to);
  if (fromFamily !== undefined && toFamily !== undefined && fromFamily !== toFamily) {
    return r.fail(`${path}.to`, to, `is IPv${toFamily} but "from" is IPv${fromFamily}`) ?? null;
  }
  const fixed = fromFamily ?? toFamily;
  if (fixed === undefined) return family;
  if (family !== undefined && family !== 'both' && family !== fixed) {
    return r.fail(`${path}.family`, family, `contradicts the IPv${fixed} prefix in "from"/"to"`) ?? null;
  }
  return fixed;
}

export function readRoute(r: Reader, raw: unknown, path: string, layout: Layout): RouteBinding | undefined {
  const obj = r.object(raw, path, BINDING_KEYS);
  if (!obj) return undefined;
  const before = r.errors.length;
  const when =
    obj.when === undefined
      ? undefined
      : readFieldValues(r, obj.when, `${path}.when`, layout, ['fwmark'], 'ip rules see only the fwmark');
  const iif = obj.iif === undefined ? undefined : readIfname(r, obj.iif, `${path}.iif`);
  const oif = obj.oif === undefined ? undefined : readIfname(r, obj.oif, `${path}.oif`);
  const from = obj.from === undefined ? undefined : readAddress(r, obj.from, `${path}.from`);
  const to = obj.to === undefined ? undefined : readAddress(r, obj.to, `${path}.to`);
  const not = obj.not === undefined ? undefined : r.boolean(obj.not, `${path}.not`);
  const suppress =
    obj.suppress_prefixlength === undefined
      ? undefined
      : r.integer(obj.suppress_prefixlength, `${path}.suppress_prefixlength`, 0, 128, 'a prefix length');
  const table = readTable(r, obj, path);
  const priority = r.integer(
    obj.priority,
    `${path}.priority`,
    ROUTE_PRIORITY_MIN,
    ROUTE_PRIORITY_MAX,
    'a priority',
  );
  const declared =
    obj.family === undefined ? undefined : r.oneOf(obj.family, `${path}.family`, [4, 6, 'both']);
  if (r.errors.length !== before || table === undefined || priority === undefined) return undefined;
  const selects = [when, iif, oif, from, to].some((s) => s !== undefined);
  if (!selects && suppress === undefined) {
    return r.fail(path, raw, 'must select packets: give "when", "iif", "oif", "from" or "to"');
  }
  if (not === true && !selects) return r.fail(`${path}.not`, not, 'needs a selector to invert');
  const family = selectorFamily(r, path, from, to, declared as 4 | 6 | 'both' | undefined);
  if (family === null) return undefined;
  if (suppress !== undefined && suppress > 32 && family === 4) {
    return r.fail(`${path}.suppress_prefixlength`, suppress, 'must be 0..32 for IPv4');
  }
  const owns =
    obj.owns === undefined
      ? undefined
      : readOwns(r, obj.owns, `${path}.owns`, bindingFamilies({ family, from, to }));
  if (obj.owns !== undefined && owns === undefined) return undefined;
  return {
    ...(when !== undefined && { when }),
    ...(iif !== undefined && { iif }),
    ...(oif !== undefined && { oif }),
    ...(from !== undefined && { from }),
    ...(to !== undefined && { to }),
    ...(not !== undefined && { not }),
    ...(suppress !== undefined && { suppressPrefixlength: suppress }),
    table,
    priority,
    ...(declared !== undefined && { family: declared as 4 | 6 | 'both' }),
    ...(owns !== undefined && { owns }),
  };
}

/** Each table is owned by at most one binding: two sets of routes for one table could not both be true. */
export function checkTableOwners(r: Reader, routes: readonly unknown[], path: string): void {
  const owners = new Map<unknown, number>();
  routes.forEach((route, i) => {
    const obj = route as { table?: unknown; owns?: unknown } | null;
    if (obj?.owns === undefined || typeof obj.table !== 'number') return;
    const other = owners.get(obj.table);
    if (other !== undefined) {
      r.fail(`${path}[${i}].owns`, obj.table, `table ${obj.table} is already owned by ${path}[${other}]`);
    } else owners.set(obj.table, i);
  });
}
