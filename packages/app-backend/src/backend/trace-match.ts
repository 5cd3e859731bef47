import type { PacketSpec } from '@markwright/core';

const PORTED = new Set(['tcp', 'udp']);

/**
 * The nft match for packets like this one: its addresses, protocol, ports and input interface. The trace checks
 * it again and loads its own rendering of it; values here already passed the API's packet schema.
 */
export function traceMatch(p: PacketSpec): string {
  const ip = p.saddr.includes(':') || p.daddr.includes(':') ? 'ip6' : 'ip';
  const parts: string[] = [];
  if (p.iif) parts.push(`iifname "${p.iif}"`);
  parts.push(`${ip} saddr ${p.saddr}`, `${ip} daddr ${p.daddr}`);
  const proto = String(p.proto);
  if (PORTED.has(proto)) {
    if (p.sport !== undefined) parts.push(`${proto} sport ${p.sport}`);
    if (p.dport !== undefined) parts.push(`${proto} dport ${p.dport}`);
    if (p.sport === undefined && p.dport === undefined) parts.push(`meta l4proto ${proto}`);
  } else {
    parts.push(`meta l4proto ${proto}`);
  }
  return parts.join(' ');
}
