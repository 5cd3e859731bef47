import { InputError } from '../bits/errors';
import type { PacketMatch, PolicyHook } from '../document/types';
import type { Cidr, Match } from '../ir/types';
import { isInterfacePattern } from '../net/interface';
import { NAMED_PROTOCOLS, PACKET_PROTOCOLS, PORTED_PROTOCOLS } from '../net/protocols';
import { parseCidr } from './address';
import { parsePorts } from './ports';

/** Which rule language the IR is shaped for: nft drops `meta l4proto` before `udp dport`, iptables keeps `-p`. */
export type Flavour = 'nft' | 'iptables';

/** A policy rule's packet selector in IR terms, with the address family it implies (null: either). */
export interface PacketSelector {
  readonly matches: readonly Match[];
  readonly family: 4 | 6 | null;
}

/** The protocols a packet match names in words; others (sctp) go by number. */
const PROTOCOLS: Readonly<Record<string, number>> = Object.fromEntries(
  NAMED_PROTOCOLS.map((name) => [name, PACKET_PROTOCOLS[name]!]),
);

function parseProto(proto: unknown, path: string): number {
  if (typeof proto === 'string' && Object.hasOwn(PROTOCOLS, proto)) return PROTOCOLS[proto]!;
  if (typeof proto === 'number' && Number.isInteger(proto) && proto >= 0 && proto <= 255) return proto;
  throw new InputError(path, proto, 'expected tcp, udp, icmp, icmpv6 or a protocol number 0..255');
}

function parseIface(name: unknown, path: string): string {
  if (typeof name !== 'string' || !isInterfacePattern(name)) {
    throw new InputError(
      path,
      name,
      'an interface name is 1-15 bytes without "/", ":" or spaces, optionally ending in *',
    );
  }
  return name;
}

const familyOfProto = (proto: number): 4 | 6 | null => (proto === 1 ? 4 : proto === 58 ? 6 : null);

/**
 * Translate a policy rule's `match` (everything but `fields`) into IR matches. `path` is the match's path
 * (`policy.rules[2].match`); a constraint that can never hold (oif before routing, mixed families) is refused.
 */
export function compilePacketMatch(
  match: PacketMatch,
  hook: PolicyHook,
  flavour: Flavour,
  path: string,
): PacketSelector {
  const out: Match[] = [];
  let family: 4 | 6 | null = null;
  const claim = (f: 4 | 6 | null, at: string, value: unknown): void => {
    if (f === null) return;
    if (family !== null && family !== f) {
      throw new InputError(at, value, `is IPv${f}, but the rule already selects IPv${family} packets`);
    }
    family = f;
  };

  if (match.iif !== undefined) {
    if (hook === 'output') {
      throw new InputError(
        `${path}.iif`,
        match.iif,
        'locally generated packets (hook output) have no input interface',
      );
    }
    out.push({ kind: 'iface', dir: 'in', names: [parseIface(match.iif, `${path}.iif`)], invert: false });
  }
  if (match.oif !== undefined) {
    if (hook === 'prerouting') {
      throw new InputError(
        `${path}.oif`,
        match.oif,
        'the output interface is not known in prerouting (routing happens after it); use hook forward or postrouting',
      );
    }
    out.push({ kind: 'iface', dir: 'out', names: [parseIface(match.oif, `${path}.oif`)], invert: false });
  }
  for (const dir of ['src', 'dst'] as const) {
    const key = dir === 'src' ? 'saddr' : 'daddr';
    const text = match[key];
    if (text === undefined) continue;
    const cidr: Cidr = parseCidr(text, `${path}.${key}`);
    claim(cidr.family, `${path}.${key}`, text);
    out.push({ kind: 'addr', dir, set: { kind: 'cidrs', cidrs: [cidr] }, invert: false });
  }

  const proto = match.proto === undefined ? null : parseProto(match.proto, `${path}.proto`);
  if (proto !== null) claim(familyOfProto(proto), `${path}.proto`, match.proto);
  const hasPorts = match.sport !== undefined || match.dport !== undefined;
  if (hasPorts && (proto === null || !PORTED_PROTOCOLS.has(proto))) {
    const key = match.sport !== undefined ? 'sport' : 'dport';
    throw new InputError(`${path}.${key}`, match[key], 'ports need match.proto tcp or udp (or 33, 132, 136)');
  }
  // nft lists `udp dport 53` without the implied `meta l4proto udp`; iptables-save keeps `-p udp`.
  if (proto !== null && (!hasPorts || flavour === 'iptables')) {
    out.push({ kind: 'l4proto', protos: [proto], invert: false });
  }
  for (const dir of ['src', 'dst'] as const) {
    const key = dir === 'src' ? 'sport' : 'dport';
    const spec = match[key];
    if (spec === undefined) continue;
    out.push({ kind: 'port', dir, proto, values: parsePorts(spec, `${path}.${key}`), invert: false });
  }
  return { matches: out, family };
}
