import { parseCidr } from '../compile/address';
import type { PacketMatch, PolicyRule, PortSpec } from '../document/types';
import type { Route } from '../ir/types';
import type { PacketResult, PacketSpec } from '../reports/types';
import { cidrTest, tryParseAddr } from '../simulate/address';
import { connectedSubnets, hostIn, LAN_FALLBACK, REMOTE, uplinks } from './addresses';

// Representative packets for a policy rule: the first packet of a connection its match selects, built from the
// match and the box's routes (which interface a source lives on, which address lies behind an output device).

/** A port inside a port spec, or `fallback` when none is given. */
function portOf(spec: PortSpec | undefined, fallback: number): number {
  if (spec === undefined) return fallback;
  const first = Array.isArray(spec) ? spec[0] : spec;
  if (typeof first === 'number') return first;
  const lo = Number.parseInt(String(first).split('-')[0] ?? '', 10);
  return Number.isInteger(lo) ? lo : fallback;
}

function familyOf(match: PacketMatch): 4 | 6 {
  for (const a of [match.saddr, match.daddr]) {
    const family = a === undefined ? null : tryParseAddr(a.split('/')[0]!)?.family;
    if (family) return family;
  }
  return match.proto === 'icmpv6' || match.proto === 58 ? 6 : 4;
}

/** An interface name that fits a match's `iif`/`oif` (a trailing `*` is a prefix) among the known ones. */
function pickIface(wanted: string, known: Iterable<string>): string {
  if (!wanted.endsWith('*')) return wanted;
  const prefix = wanted.slice(0, -1);
  for (const name of known) if (name.startsWith(prefix)) return name;
  return `${prefix}0`;
}

const PROTO_NAMES: Readonly<Record<number, PacketSpec['proto']>> = {
  6: 'tcp',
  17: 'udp',
  1: 'icmp',
  58: 'icmpv6',
};
const PORTED = new Set<PacketSpec['proto']>(['tcp', 'udp', 132, 136, 33]);

/** The packet a rule's match selects: addresses and interfaces from the match, the rest from the box's routes. */
export function firstPacket(rule: PolicyRule, routes: readonly Route[], index: number): PacketSpec {
  const m = rule.match ?? {};
  const family = familyOf(m);
  const connected = connectedSubnets(routes);
  const local = rule.hook === 'output';
  const byFamily = (list: readonly Route[] | undefined) => (list ?? []).filter((r) => r.family === family);

  let saddr: string | undefined =
    m.saddr === undefined ? undefined : hostIn(parseCidr(m.saddr, 'saddr'), 100);
  let iif: string | null = null;
  if (!local) {
    if (m.iif !== undefined) iif = pickIface(m.iif, connected.keys());
    else if (saddr !== undefined) {
      const a = tryParseAddr(saddr)!;
      iif = [...connected].find(([, list]) => byFamily(list).some((r) => cidrTest(r.dst)(a)))?.[0] ?? null;
    }
    if (iif === null) {
      // An arriving packet with no interface named comes from a LAN: a connected interface that is no uplink.
      const wans = uplinks(routes);
      iif =
        [...connected.keys()].find((d) => !wans.has(d) && byFamily(connected.get(d)).length > 0) ?? 'lan0';
    }
    if (saddr === undefined) {
      const subnet = byFamily(connected.get(iif))[0];
      saddr = subnet ? hostIn(subnet.dst, 100) : LAN_FALLBACK[family];
    }
  }

  let daddr = m.daddr === undefined ? undefined : hostIn(parseCidr(m.daddr, 'daddr'), 10);
  if (daddr === undefined && m.oif !== undefined) {
    // A rule after routing selects by output device: aim at a host on it (or beyond it, for an uplink).
    const oif = pickIface(m.oif, connected.keys());
    const subnet = uplinks(routes).has(oif) ? undefined : byFamily(connected.get(oif))[0];
    daddr = subnet ? hostIn(subnet.dst, 10) : REMOTE[family];
  }
  daddr ??= REMOTE[family];
  if (local) saddr ??= localSource(routes, daddr, family);

  const proto: PacketSpec['proto'] =
    m.proto === undefined ? 'tcp' : typeof m.proto === 'number' ? (PROTO_NAMES[m.proto] ?? m.proto) : m.proto;
  const ports = PORTED.has(proto)
    ? { sport: portOf(m.sport, 40000 + (index % 20000)), dport: portOf(m.dport, 45678) }
    : {};
  return { iif, saddr: saddr ?? LAN_FALLBACK[family], daddr, proto, ...ports, mark: 0 };
}

/** The box's own address toward `daddr`: the preferred source of the route there, or an address on its device. */
function localSource(routes: readonly Route[], daddr: string, family: 4 | 6): string | undefined {
  const a = tryParseAddr(daddr);
  const toward = routes
    .filter((r) => r.family === family && a !== null && cidrTest(r.dst)(a))
    .sort((x, y) => y.dst.prefix - x.dst.prefix)[0];
  if (toward?.prefsrc) return toward.prefsrc;
  const own = routes.find(
    (r) => r.type === 'local' && r.family === family && (toward?.dev === undefined || r.dev === toward.dev),
  );
  return own?.dst.address;
}

/** The reply to a packet that went through: addresses and ports swapped, arriving where the packet left. */
export function replyTo(first: PacketSpec, result: PacketResult): PacketSpec | null {
  if (result.verdict !== 'accept') return null;
  const delivered = result.destination === 'local';
  if (!delivered && !result.oif) return null;
  const ports = first.sport !== undefined ? { sport: first.dport ?? 0, dport: first.sport } : {};
  return {
    iif: delivered ? null : result.oif,
    saddr: first.daddr,
    daddr: first.saddr,
    proto: first.proto,
    ...ports,
    mark: 0,
  };
}
