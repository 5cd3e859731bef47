// The simulator's packet form: texts as typed, presets, and the conversion to PacketSpecs with an error per
// input. A flow repeats the same packet `count` times, so later packets see the conntrack entry the first made.

import { InputError, NAMED_PROTOCOLS, type PacketSpec, parseU32 } from '@markwright/core';
import { type SimPacket, toSimPacket } from '@markwright/core/simulate';
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

export type FormResult = { ok: true; packets: PacketSpec[] } | { ok: false; errors: Record<string, string> };

/** Protocols the API takes by name; others (sctp) go as the number core resolves them to. */
const NAMED_PROTOS: ReadonlySet<string> = new Set(NAMED_PROTOCOLS);
/** How many packets a flow in the form may have (a screenful of traces). */
const MAX_COUNT = 16;

/**
 * The form's packets, or an error per input. The texts become packet JSON (numbers where they are numbers) and
 * core's packet check (the one `simulate` applies) judges them; only the flow length is the form's own rule.
 */
export function packetsFromForm(f: PacketForm): FormResult {
  const errors: Record<string, string> = {};
  const spec: Record<string, unknown> = {
    iif: f.iif.trim() === '' ? null : f.iif.trim(),
    saddr: f.saddr.trim(),
    daddr: f.daddr.trim(),
    proto: numberOrText(f.proto),
  };
  if (f.oif.trim() !== '') spec.oif = f.oif.trim();
  for (const key of ['sport', 'dport'] as const) if (f[key].trim() !== '') spec[key] = numberOrText(f[key]);
  if (f.mark.trim() !== '') {
    const parsed = parseMarkText(f.mark, 'mark');
    if (parsed.ok) spec.mark = parsed.value;
    else errors.mark = parsed.error;
  }
  let count = 1;
  try {
    count = parseU32(f.count, 'count');
    if (count < 1 || count > MAX_COUNT)
      errors.count = `a flow has 1 to ${MAX_COUNT} packets (got ${f.count})`;
  } catch {
    errors.count = `"${f.count}" is not a number of packets`;
  }
  const checked = checkPacket(spec, errors);
  if (!checked || Object.keys(errors).length > 0) return { ok: false, errors };
  const packet = {
    ...spec,
    proto: NAMED_PROTOS.has(String(spec.proto)) ? spec.proto : checked.proto,
  } as PacketSpec;
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
  const replyError = coreError(() => toSimPacket(reply, 'reply'));
  if (replyError) return { ok: false, errors: { replyIif: replyError.message } };
  return { ok: true, packets: Array.from({ length: count }, (_, i) => (i % 2 === 0 ? packet : reply)) };
}

function numberOrText(text: string): string | number {
  const t = text.trim();
  return /^[0-9]+$/.test(t) ? Number(t) : t;
}

/** Values core accepts, put in place of a refused one so that the check goes on to the next input. */
function standIn(spec: Record<string, unknown>, key: string): unknown {
  const v6 = (other: unknown) => typeof other === 'string' && other.includes(':');
  if (key === 'saddr') return v6(spec.daddr) ? '::' : '0.0.0.0';
  if (key === 'daddr') return v6(spec.saddr) ? '::' : '0.0.0.0';
  if (key === 'proto') return 'udp';
  return undefined;
}

/**
 * Core's packet check stops at the first problem; to show one per input, each refused value is replaced by a
 * stand-in and the packet checked again. Returns the packet when it passed as typed.
 */
function checkPacket(spec: Record<string, unknown>, errors: Record<string, string>): SimPacket | null {
  let candidate = { ...spec };
  for (let round = 0; round <= Object.keys(spec).length; round++) {
    let packet: SimPacket | undefined;
    const error = coreError(() => {
      packet = toSimPacket(candidate, 'packet');
    });
    if (!error) return round === 0 ? packet! : null;
    const key = error.key;
    if (key in errors) return null;
    errors[key] = error.message;
    candidate = { ...candidate, [key]: standIn(candidate, key) };
  }
  return null;
}

function coreError(check: () => void): { key: string; message: string } | null {
  try {
    check();
    return null;
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    const key = e.field.replace(/^(packet|reply)\./, '');
    return { key, message: e.message.slice(e.field.length + 2) };
  }
}
