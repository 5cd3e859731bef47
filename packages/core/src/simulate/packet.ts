import { InputError } from '../bits/errors';
import { isU32 } from '../bits/u32';
import { PACKET_PROTOCOLS, PORTED_PROTOCOLS } from '../net/protocols';
import type { PacketSpec } from '../reports/types';
import { type Addr, parseAddr } from './address';

/** A validated packet, addresses parsed, protocol as a number. */
export interface SimPacket {
  readonly spec: PacketSpec;
  readonly family: 4 | 6;
  readonly saddr: Addr;
  readonly daddr: Addr;
  readonly proto: number;
  readonly sport: number;
  readonly dport: number;
  /** True for tcp/udp/sctp/udplite/dccp: the protocols whose ports nft and xt can match. */
  readonly hasPorts: boolean;
  readonly iif: string | null;
  readonly oif: string | null;
  readonly mark: number;
}

const PROTO_NAMES = PACKET_PROTOCOLS;
const KNOWN_KEYS = new Set(['iif', 'oif', 'saddr', 'daddr', 'proto', 'sport', 'dport', 'mark']);

function port(value: unknown, field: string): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 65535) {
    throw new InputError(field, value, 'must be an integer port 0..65535');
  }
  return value;
}

function iface(value: unknown, field: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value === '' || value.length > 15 || /[\s/]/.test(value)) {
    throw new InputError(field, value, 'must be an interface name (1-15 characters, no spaces or /) or null');
  }
  return value;
}

/** Validate one packet (as given on the command line or by the app); `field` prefixes error paths. */
export function toSimPacket(input: unknown, field = 'packet'): SimPacket {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new InputError(
      field,
      input,
      'must be a JSON object like {"saddr":"10.0.0.2","daddr":"10.0.0.1","proto":"udp"}',
    );
  }
  const raw = input as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (!KNOWN_KEYS.has(key)) {
      throw new InputError(
        `${field}.${key}`,
        raw[key],
        `is not a packet key (known: ${[...KNOWN_KEYS].join(', ')})`,
      );
    }
  }
  if (typeof raw.saddr !== 'string')
    throw new InputError(`${field}.saddr`, raw.saddr, 'must be an address string');
  if (typeof raw.daddr !== 'string')
    throw new InputError(`${field}.daddr`, raw.daddr, 'must be an address string');
  const saddr = parseAddr(raw.saddr, `${field}.saddr`);
  const daddr = parseAddr(raw.daddr, `${field}.daddr`);
  if (saddr.family !== daddr.family) {
    throw new InputError(`${field}.daddr`, raw.daddr, `is not the same address family as saddr ${raw.saddr}`);
  }
  let proto: number;
  if (typeof raw.proto === 'string' && raw.proto in PROTO_NAMES) proto = PROTO_NAMES[raw.proto]!;
  else if (
    typeof raw.proto === 'number' &&
    Number.isInteger(raw.proto) &&
    raw.proto >= 0 &&
    raw.proto <= 255
  ) {
    proto = raw.proto;
  } else {
    throw new InputError(
      `${field}.proto`,
      raw.proto,
      'must be tcp, udp, icmp, icmpv6, sctp or a number 0..255',
    );
  }
  const mark = raw.mark === undefined ? 0 : raw.mark;
  if (!isU32(mark)) throw new InputError(`${field}.mark`, raw.mark, 'must be an integer 0..0xffffffff');
  const hasPorts = PORTED_PROTOCOLS.has(proto);
  return {
    spec: raw as unknown as PacketSpec,
    family: saddr.family,
    proto,
    saddr,
    daddr,
    sport: hasPorts ? port(raw.sport, `${field}.sport`) : 0,
    dport: hasPorts ? port(raw.dport, `${field}.dport`) : 0,
    hasPorts,
    iif: iface(raw.iif, `${field}.iif`),
    oif: iface(raw.oif, `${field}.oif`),
    mark,
  };
}
