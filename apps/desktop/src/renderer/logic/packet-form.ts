// The simulator's packet form: texts as typed, presets, and the conversion to PacketSpecs with an error per
// input. A flow repeats the same packet `count` times, so later packets see the conntrack entry the first made.

import type { PacketSpec } from '@markwright/core';
import { parseU32 } from '@markwright/core';
import { parseMarkText } from './mark-codec';

export interface PacketForm {
  iif: string;
  oif: string;
  saddr: string;
  daddr: string;
  proto: string;
  sport: string;
  dport: string;
  /** Socket mark of a locally generated packet. */
  mark: string;
  count: string;
  /** When set, the flow alternates original and reply packets, replies arriving on this interface. */
  replyIif: string;
}

export interface Preset {
  readonly id: string;
  readonly title: string;
  readonly form: PacketForm;
}

const form = (p: Partial<PacketForm>): PacketForm => ({
  iif: '',
  oif: '',
  saddr: '',
  daddr: '',
  proto: 'udp',
  sport: '',
  dport: '',
  mark: '',
  count: '1',
  replyIif: '',
  ...p,
});

export const PRESETS: readonly Preset[] = [
  {
    id: 'forward-udp',
    title: 'Forwarded UDP (LAN client to the Internet)',
    form: form({
      iif: 'r0',
      saddr: '10.70.0.2',
      daddr: '203.0.113.7',
      proto: 'udp',
      sport: '40000',
      dport: '5555',
    }),
  },
  {
    id: 'flow-udp',
    title: 'Two-packet UDP flow (conntrack)',
    form: form({
      iif: 'r0',
      saddr: '10.70.0.2',
      daddr: '203.0.113.7',
      proto: 'udp',
      sport: '40000',
      dport: '5555',
      count: '2',
    }),
  },
  {
    id: 'flow-reply',
    title: 'UDP flow with a reply (original, reply, original)',
    form: form({
      iif: 'r0',
      saddr: '10.70.0.2',
      daddr: '203.0.113.7',
      proto: 'udp',
      sport: '40000',
      dport: '5555',
      count: '3',
      replyIif: 'r2',
    }),
  },
  {
    id: 'forward-tcp',
    title: 'Forwarded TCP to HTTPS',
    form: form({
      iif: 'r0',
      saddr: '10.70.0.2',
      daddr: '203.0.113.7',
      proto: 'tcp',
      sport: '41000',
      dport: '443',
    }),
  },
  {
    id: 'local-out',
    title: 'Locally generated (router to the Internet)',
    form: form({ saddr: '192.0.2.1', daddr: '203.0.113.7', proto: 'udp', sport: '42000', dport: '53' }),
  },
  {
    id: 'inbound-local',
    title: 'To the router itself (input)',
    form: form({
      iif: 'r0',
      saddr: '10.70.0.2',
      daddr: '10.70.0.1',
      proto: 'tcp',
      sport: '43000',
      dport: '22',
    }),
  },
];

export const emptyForm = (): PacketForm => ({ ...PRESETS[0]!.form });

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const IFNAME = /^[A-Za-z0-9_.@-]{1,15}$/;

function addressProblem(text: string): string | null {
  const t = text.trim();
  const m = IPV4.exec(t);
  if (m) return m.slice(1).every((o) => Number(o) <= 255) ? null : `"${text}" is not an IPv4 address`;
  if (t.includes(':') && /^[0-9a-fA-F:.]+$/.test(t)) return null;
  return `"${text}" is not an IP address`;
}

export type FormResult = { ok: true; packets: PacketSpec[] } | { ok: false; errors: Record<string, string> };

export function packetsFromForm(f: PacketForm): FormResult {
  const errors: Record<string, string> = {};
  for (const key of ['saddr', 'daddr'] as const) {
    const p = addressProblem(f[key]);
    if (p) errors[key] = p;
  }
  for (const key of ['iif', 'oif', 'replyIif'] as const) {
    if (f[key].trim() !== '' && !IFNAME.test(f[key].trim()))
      errors[key] = `"${f[key]}" is not an interface name`;
  }
  const proto = f.proto.trim();
  const protoValue: PacketSpec['proto'] | null = ['tcp', 'udp', 'icmp', 'icmpv6'].includes(proto)
    ? (proto as 'tcp' | 'udp' | 'icmp' | 'icmpv6')
    : /^[0-9]{1,3}$/.test(proto) && Number(proto) <= 255
      ? Number(proto)
      : null;
  if (protoValue === null) errors.proto = `"${f.proto}" is not tcp, udp, icmp, icmpv6 or a protocol number`;
  const ports: Partial<Record<'sport' | 'dport', number>> = {};
  for (const key of ['sport', 'dport'] as const) {
    const t = f[key].trim();
    if (t === '') continue;
    if (!/^[0-9]{1,5}$/.test(t) || Number(t) > 65535) errors[key] = `"${f[key]}" is not a port (0-65535)`;
    else ports[key] = Number(t);
  }
  let mark: number | undefined;
  if (f.mark.trim() !== '') {
    const parsed = parseMarkText(f.mark, 'mark');
    if (parsed.ok) mark = parsed.value;
    else errors.mark = parsed.error;
  }
  let count = 1;
  try {
    count = parseU32(f.count, 'count');
    if (count < 1 || count > 16) errors.count = `a flow has 1 to 16 packets (got ${f.count})`;
  } catch {
    errors.count = `"${f.count}" is not a number of packets`;
  }
  if (Object.keys(errors).length > 0 || protoValue === null) return { ok: false, errors };
  const packet: PacketSpec = {
    iif: f.iif.trim() === '' ? null : f.iif.trim(),
    ...(f.oif.trim() !== '' && { oif: f.oif.trim() }),
    saddr: f.saddr.trim(),
    daddr: f.daddr.trim(),
    proto: protoValue,
    ...ports,
    ...(mark !== undefined && { mark }),
  };
  const replyIif = f.replyIif.trim();
  if (replyIif === '') return { ok: true, packets: Array.from({ length: count }, () => packet) };
  // The reply swaps addresses and ports and arrives from the far side.
  const reply: PacketSpec = {
    iif: replyIif,
    saddr: packet.daddr,
    daddr: packet.saddr,
    proto: packet.proto,
    ...(packet.dport !== undefined && { sport: packet.dport }),
    ...(packet.sport !== undefined && { dport: packet.sport }),
  };
  return { ok: true, packets: Array.from({ length: count }, (_, i) => (i % 2 === 0 ? packet : reply)) };
}
