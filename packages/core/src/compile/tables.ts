// Routing tables a document owns: the routes it declares, and the routes it copies from interfaces (as mwan3 does,
// so replies to the LAN and traffic to the box's own subnets still find their way from inside the table).
import { bindingFamilies, tableRouteFamilies } from '../document/route-families';
import type { MarkwrightDocument, RouteBinding, TableRoute } from '../document/types';
import type { Cidr, Route } from '../ir/types';
import { MARKWRIGHT_RULE_PROTOCOL } from '../ownership/ownership';
import { parseCidr } from './address';

/** One binding that owns a table, with its place in the document. */
export interface OwnedRouteTable {
  readonly table: number;
  readonly path: string;
  readonly binding: RouteBinding;
  readonly families: readonly (4 | 6)[];
}

/** The tables the document owns, in document order. */
export function ownedTables(doc: MarkwrightDocument): OwnedRouteTable[] {
  const out: OwnedRouteTable[] = [];
  (doc.policy?.routes ?? []).forEach((binding, i) => {
    if (!binding.owns) return;
    out.push({
      table: binding.table,
      path: `policy.routes[${i}]`,
      binding,
      families: bindingFamilies(binding),
    });
  });
  return out;
}

/** IPv6 routes added without a metric get 1024 (IP6_RT_PRIO_USER); IPv4 ones 0. */
const defaultMetric = (family: 4 | 6): number => (family === 6 ? 1024 : 0);

function declaredRoute(route: TableRoute, family: 4 | 6, table: number, protocol: number, at: string): Route {
  const dst: Cidr =
    route.to === 'default'
      ? { family, address: family === 4 ? '0.0.0.0' : '::', prefix: 0 }
      : parseCidr(route.to, `${at}.to`);
  return {
    family,
    table: String(table),
    type: route.type ?? 'unicast',
    dst,
    ...(route.dev !== undefined && { dev: route.dev }),
    ...(route.via !== undefined && { gateway: route.via }),
    metric: route.metric ?? defaultMetric(family),
    protocol: String(protocol),
  };
}

/** The routes each owned table declares, per family, tagged with Markwright's protocol. */
export function declaredTableRoutes(
  doc: MarkwrightDocument,
  protocol = MARKWRIGHT_RULE_PROTOCOL,
  families: readonly (4 | 6)[] = [4, 6],
): Route[] {
  const out: Route[] = [];
  for (const owned of ownedTables(doc)) {
    owned.binding.owns?.routes.forEach((route, j) => {
      const at = `${owned.path}.owns.routes[${j}]`;
      for (const family of tableRouteFamilies(route, owned.families)) {
        if (!families.includes(family)) continue;
        out.push(declaredRoute(route, family, owned.table, protocol, at));
      }
    });
  }
  return out;
}

/** A connected route: the subnet the kernel added for an address on `dev` (table main, no gateway). */
const isConnected = (r: Route, dev: string): boolean =>
  r.table === 'main' &&
  r.dev === dev &&
  r.gateway === undefined &&
  r.type === 'unicast' &&
  r.protocol === 'kernel';

/** A route for the box's own addresses on `dev`: local, broadcast and anycast entries of table local. */
const isLocal = (r: Route, dev: string): boolean =>
  r.table === 'local' &&
  r.dev === dev &&
  (r.type === 'local' || r.type === 'broadcast' || r.type === 'anycast');

/** The routes each owned table copies from the box's tables `main` and `local`, as they are in `box`. */
export function copiedTableRoutes(
  doc: MarkwrightDocument,
  box: readonly Route[],
  protocol = MARKWRIGHT_RULE_PROTOCOL,
): Route[] {
  const out: Route[] = [];
  for (const owned of ownedTables(doc)) {
    for (const copy of owned.binding.owns?.copy ?? []) {
      const picked = box.filter(
        (r) =>
          owned.families.includes(r.family) &&
          (((copy.connected ?? true) && isConnected(r, copy.dev)) ||
            (copy.local === true && isLocal(r, copy.dev))),
      );
      for (const r of picked) {
        out.push({
          family: r.family,
          table: String(owned.table),
          type: r.type,
          dst: r.dst,
          dev: copy.dev,
          metric: r.metric ?? defaultMetric(r.family),
          ...(r.prefsrc !== undefined && { prefsrc: r.prefsrc }),
          protocol: String(protocol),
        });
      }
    }
  }
  return out;
}

/** Table ids as the IR writes them (numbers as text). */
export const ownedTableIds = (doc: MarkwrightDocument): string[] =>
  ownedTables(doc).map((t) => String(t.table));

/**
 * The box's routes with the document's tables in place: our earlier routes in those tables dropped, the declared
 * and copied routes added. Routes of other owners stay, as deploy leaves them.
 */
export function routesWithOwnedTables(
  doc: MarkwrightDocument,
  box: readonly Route[],
  protocol = MARKWRIGHT_RULE_PROTOCOL,
): Route[] {
  const tables = new Set(ownedTableIds(doc));
  const ours = String(protocol);
  const kept = box.filter((r) => !(tables.has(r.table) && r.protocol === ours));
  return [...kept, ...declaredTableRoutes(doc, protocol), ...copiedTableRoutes(doc, kept, protocol)];
}
