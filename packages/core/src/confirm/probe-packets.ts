import { parseCidr } from '../compile/address';
import type { MarkwrightDocument, PolicyRule, PortSpec } from '../document/types';
import type { BoxConfig, Cidr, Route } from '../ir/types';
import { encodeFields } from '../layout/encode';
import { formatIpv4, formatIpv6, parseIpv4, parseIpv6 } from '../net/address';
import type { PacketSpec } from '../reports/types';

// One packet per policy rule that the rule matches: the packet the live check sends through the box. Addresses
// and ports come from the rule's match; what the rule leaves open is filled from the box's own routes (a source
// on the incoming device's link, a destination that is routed out), so the packet is one the box would see.

/** A rule's packet, or why none can be sent for it. */
export type ProbePlan =
  | { readonly rule: string; readonly path: string; readonly packet: PacketSpec }
  | { readonly rule: string; readonly path: string; readonly skipped: string };

/** Where a packet goes when the rule names no destination: documentation addresses, routed by default routes. */
export const DEFAULT_DESTINATION = { 4: '203.0.113.99', 6: '2001:db8:ffff::99' } as const;
/** The destination port when the rule names none (discard). */
export const DEFAULT_DPORT = 9;

/** The `n`-th address inside a prefix (a /32 or /128 is the address itself); `last` counts from the end. */
export function hostInPrefix(cidr: Cidr, n: number, last = false): string {
  if (cidr.family === 4) {
    const base = parseIpv4(cidr.address) ?? 0;
    if (cidr.prefix >= 31) return cidr.address;
    const size = 2 ** (32 - cidr.prefix);
    return formatIpv4((base + (last ? size - 1 - n : n)) >>> 0);
  }
  const groups = [...(parseIpv6(cidr.address) ?? [0, 0, 0, 0, 0, 0, 0, 0])];
  if (cidr.prefix >= 127) return cidr.address;
  const hostBits = Math.min(16, 128 - cidr.prefix);
  groups[7] = (groups[7]! & ~((1 << hostBits) - 1) & 0xffff) | (last ? (1 << hostBits) - 1 - n : n);
  return formatIpv6(groups);
}

/** The first port a port spec allows. */
export function firstPort(spec: PortSpec | undefined): number | undefined {
  if (spec === undefined) return undefined;
  const first = Array.isArray(spec) ? spec[0] : spec;
  if (typeof first === 'number') return first;
  if (typeof first === 'string') return Number(first.split('-')[0]);
  return undefined;
}

const PROTO_NAMES: Readonly<Record<number, PacketSpec['proto']>> = {
  6: 'tcp',
  17: 'udp',
  1: 'icmp',
  58: 'icmpv6',
};

function protoOf(rule: PolicyRule): PacketSpec['proto'] | null {
  const p = rule.match.proto;
  if (p === undefined) return 'udp';
  if (typeof p === 'number') return PROTO_NAMES[p] ?? null;
  return p;
}

const main = (r: Route): boolean => r.table === 'main' || r.table === '254';

/** Connected (link-scope) prefixes of the main table, per device. */
function connected(box: BoxConfig, family: 4 | 6): Route[] {
  return box.routes.filter(
    (r) =>
      main(r) && r.family === family && r.scope === 'link' && r.dev && r.dev !== 'lo' && r.dst.prefix > 0,
  );
}

function inside(addr: string, cidr: Cidr): boolean {
  if (cidr.family === 4) {
    const a = parseIpv4(addr);
    const b = parseIpv4(cidr.address);
    if (a === null || b === null) return false;
    const mask = cidr.prefix === 0 ? 0 : (0xffffffff << (32 - cidr.prefix)) >>> 0;
    return (a & mask) >>> 0 === (b & mask) >>> 0;
  }
  const a = parseIpv6(addr);
  const b = parseIpv6(cidr.address);
  if (!a || !b) return false;
  for (let bit = 0; bit < cidr.prefix; bit += 16) {
    const keep = Math.min(16, cidr.prefix - bit);
    const mask = (0xffff << (16 - keep)) & 0xffff;
    if ((a[bit / 16]! & mask) !== (b[bit / 16]! & mask)) return false;
  }
  return true;
}

/** A local address of the box in `family` (not loopback), for locally generated packets. */
function localAddress(box: BoxConfig, family: 4 | 6): string | null {
  const local = box.routes.find(
    (r) =>
      r.family === family &&
      r.type === 'local' &&
      r.dev !== 'lo' &&
      r.dst.prefix === (family === 4 ? 32 : 128),
  );
  return local?.dst.address ?? null;
}

function plan(doc: MarkwrightDocument, box: BoxConfig, rule: PolicyRule, path: string): ProbePlan {
  const skip = (skipped: string): ProbePlan => ({ rule: rule.name, path, skipped });
  const m = rule.match;
  const proto = protoOf(rule);
  if (proto === null) return skip(`protocol ${String(m.proto)} cannot be sent as a test packet`);
  const daddrCidr = m.daddr === undefined ? null : parseCidr(m.daddr, `${path}.match.daddr`);
  const saddrCidr = m.saddr === undefined ? null : parseCidr(m.saddr, `${path}.match.saddr`);
  const family: 4 | 6 = daddrCidr?.family ?? saddrCidr?.family ?? (proto === 'icmpv6' ? 6 : 4);
  const daddr = daddrCidr ? hostInPrefix(daddrCidr, 1) : DEFAULT_DESTINATION[family];
  const ctFields = Object.keys(m.fields ?? {}).filter(
    (name) => doc.layout.fields.find((f) => f.name === name)?.space === 'connmark',
  );
  if (ctFields.length > 0)
    return skip(`it matches ct mark fields (${ctFields.join(', ')}), which a test packet cannot carry`);
  const fwFields = Object.fromEntries(
    Object.entries(m.fields ?? {}).filter(([name]) => !ctFields.includes(name)),
  );
  const mark = encodeFields(doc.layout, fwFields, 'fwmark').value;
  const local = rule.hook === 'output';
  let iif: string | undefined;
  let saddr: string | null;
  if (local) {
    saddr = saddrCidr ? hostInPrefix(saddrCidr, 1) : localAddress(box, family);
  } else {
    const links = connected(box, family);
    const link =
      (m.iif ? links.find((r) => r.dev === m.iif) : undefined) ??
      (saddrCidr ? links.find((r) => inside(hostInPrefix(saddrCidr, 1), r.dst)) : undefined) ??
      links.find((r) => !daddrCidr || !inside(daddr, r.dst));
    iif = m.iif ?? link?.dev;
    if (!iif) return skip('no incoming device: the rule names none and the box has no connected link');
    // A host on the incoming link that is not the box itself: counted from the end of the prefix.
    saddr = saddrCidr ? hostInPrefix(saddrCidr, 1) : link ? hostInPrefix(link.dst, 1, true) : null;
  }
  if (!saddr) return skip(`no IPv${family} source address for the packet`);
  const ports = proto === 'tcp' || proto === 'udp';
  const sport = firstPort(m.sport);
  const packet: PacketSpec = {
    ...(iif ? { iif } : {}),
    saddr,
    daddr,
    proto,
    ...(ports && sport !== undefined ? { sport } : {}),
    ...(ports ? { dport: firstPort(m.dport) ?? DEFAULT_DPORT } : {}),
    ...(mark !== 0 ? { mark } : {}),
  };
  return { rule: rule.name, path, packet };
}

/** One packet per policy rule of the document, in rule order. */
export function probePackets(doc: MarkwrightDocument, box: BoxConfig): ProbePlan[] {
  return doc.policy.rules.map((rule, i) => plan(doc, box, rule, `policy.rules[${i}]`));
}
