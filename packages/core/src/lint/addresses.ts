import type { Cidr, Route } from '../ir/types';
import { formatIpv4, formatIpv6, parseIpv4, parseIpv6 } from '../net/address';
import { tableName } from '../simulate/routing';

// Addresses for representative packets: a host inside a prefix, the subnets an interface is connected to.

/** A remote address no LAN uses (RFC 2544 benchmarking / RFC 3849 documentation), per family. */
export const REMOTE: Readonly<Record<4 | 6, string>> = { 4: '198.18.0.10', 6: '2001:db8:ffff::10' };
/** A source for a LAN whose subnet the box's routes do not show. */
export const LAN_FALLBACK: Readonly<Record<4 | 6, string>> = { 4: '10.99.0.100', 6: 'fd00:99::100' };

/** The `n`th host of a prefix (the address itself for a full-length prefix), kept inside the prefix. */
export function hostIn(cidr: Cidr, n: number): string {
  if (cidr.family === 4) {
    const base = parseIpv4(cidr.address) ?? 0;
    const size = 2 ** (32 - cidr.prefix);
    if (size <= 2) return formatIpv4(base + size - 1);
    return formatIpv4(base + Math.min(n, size - 2));
  }
  const groups = parseIpv6(cidr.address) ?? [0, 0, 0, 0, 0, 0, 0, 0];
  if (cidr.prefix >= 127) return formatIpv6(groups);
  const last = [...groups];
  last[7] = (last[7]! + Math.min(n, cidr.prefix >= 112 ? 2 ** (128 - cidr.prefix) - 2 : n)) % 65536;
  return formatIpv6(last);
}

/** Connected subnets (routes to a device with no gateway, scope link) per interface, from the main table. */
export function connectedSubnets(routes: readonly Route[]): Map<string, Route[]> {
  const out = new Map<string, Route[]>();
  for (const r of routes) {
    if (tableName(r.table) !== 'main' || r.type !== 'unicast' || !r.dev || r.gateway || r.dst.prefix === 0)
      continue;
    const list = out.get(r.dev) ?? [];
    list.push(r);
    out.set(r.dev, list);
  }
  return out;
}

/** The devices the main table's default routes leave by: the uplinks. */
export function uplinks(routes: readonly Route[]): Set<string> {
  return new Set(
    routes
      .filter((r) => tableName(r.table) === 'main' && r.dst.prefix === 0 && r.dev !== undefined)
      .map((r) => r.dev!),
  );
}

export const cidrText = (c: Cidr): string => `${c.address}/${c.prefix}`;
