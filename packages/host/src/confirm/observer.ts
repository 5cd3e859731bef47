import type { PacketSpec } from '@markwright/core';
import type { Runner } from '../exec/runner';

// Where the live check reads a test packet's marks: a table of its own (never `table inet markwright`, which an
// apply replaces whole) whose chains run after every other chain, at postrouting for packets that leave and at
// input for packets delivered to the box, and remember the marks and the device of the packet being checked.

const PREFIX = 'markwright_verify_';
/** After every ordinary chain (nft's largest priorities are reserved for conntrack helpers and confirm). */
const LAST = 2147483000;

export const observerTable = (pid = process.pid): string => `${PREFIX}${pid}`;

const l4 = (p: PacketSpec): string => {
  const proto = typeof p.proto === 'number' ? String(p.proto) : p.proto === 'icmpv6' ? 'ipv6-icmp' : p.proto;
  const ports =
    p.proto === 'tcp' || p.proto === 'udp'
      ? `${p.sport !== undefined ? ` th sport ${p.sport}` : ''}${p.dport !== undefined ? ` th dport ${p.dport}` : ''}`
      : '';
  return `meta l4proto ${proto}${ports}`;
};

/** The nft script that (re)creates the observer for one packet. */
export function observerScript(table: string, p: PacketSpec): string {
  const l3 = p.saddr.includes(':') ? 'ip6' : 'ip';
  const match = `${l3} saddr ${p.saddr} ${l3} daddr ${p.daddr} ${l4(p)}`;
  return (
    `table inet ${table}\ndelete table inet ${table}\n` +
    `table inet ${table} {\n` +
    `  set out {\n    typeof meta mark . ct mark . oifname\n  }\n` +
    `  set in {\n    typeof meta mark . ct mark\n  }\n` +
    `  chain post {\n    type filter hook postrouting priority ${LAST}; policy accept;\n` +
    `    ${match} add @out { meta mark . ct mark . oifname }\n  }\n` +
    `  chain input {\n    type filter hook input priority ${LAST}; policy accept;\n` +
    `    ${match} add @in { meta mark . ct mark }\n  }\n}\n` +
    `table netdev ${table}\ndelete table netdev ${table}\n` +
    markerScript(table, p, match)
  );
}

/**
 * A packet that should arrive carrying fields in its mark (a rule matching on them) gets the mark as it enters
 * its device, before any other hook: at that device's netdev ingress, for this packet only.
 */
function markerScript(table: string, p: PacketSpec, match: string): string {
  if (!p.iif || !p.mark) return '';
  return (
    `table netdev ${table} {\n  chain mark {\n` +
    `    type filter hook ingress device ${JSON.stringify(p.iif)} priority -500; policy accept;\n` +
    `    ${match} meta mark set 0x${p.mark.toString(16)}\n  }\n}\n`
  );
}

/** What the observer saw: the packet left (with its device), was delivered locally, or nothing yet. */
export type Observed =
  | { readonly kind: 'out'; readonly mark: number; readonly ctmark: number; readonly oif: string }
  | { readonly kind: 'in'; readonly mark: number; readonly ctmark: number }
  | null;

type Elem = { concat?: unknown[]; elem?: { val?: { concat?: unknown[] } } };
interface Listing {
  readonly nftables: readonly { readonly set?: { readonly name: string; readonly elem?: readonly Elem[] } }[];
}

/** Read the observer's sets (nft -j). */
export function parseObserved(json: string): Observed {
  const listing = JSON.parse(json) as Listing;
  for (const name of ['out', 'in'] as const) {
    for (const item of listing.nftables) {
      if (item.set?.name !== name) continue;
      const first = item.set.elem?.[0];
      const concat = first?.concat ?? first?.elem?.val?.concat;
      if (!concat) continue;
      const [mark, ctmark, oif] = concat as [number, number, string | undefined];
      return name === 'out' ? { kind: 'out', mark, ctmark, oif: String(oif) } : { kind: 'in', mark, ctmark };
    }
  }
  return null;
}

export async function armObserver(runner: Runner, table: string, p: PacketSpec): Promise<void> {
  await runner.run(['nft', '-f', '-'], { input: observerScript(table, p) });
}

export async function readObserved(runner: Runner, table: string): Promise<Observed> {
  const r = await runner.run(['nft', '-j', 'list', 'table', 'inet', table]);
  return parseObserved(r.stdout);
}

export async function removeObserver(runner: Runner, table: string): Promise<void> {
  await runner.run(['nft', 'delete', 'table', 'inet', table], { allowFail: true });
  await runner.run(['nft', 'delete', 'table', 'netdev', table], { allowFail: true });
}

/** Remove observers left by checks whose process is gone (killed mid-check). */
export async function sweepObservers(runner: Runner, alive: (pid: number) => boolean): Promise<void> {
  const r = await runner.run(['nft', '-j', 'list', 'tables'], { allowFail: true });
  if (r.code !== 0) return;
  const listing = JSON.parse(r.stdout) as { nftables: { table?: { family: string; name: string } }[] };
  for (const item of listing.nftables) {
    const name = item.table?.name;
    const family = item.table?.family;
    if ((family !== 'inet' && family !== 'netdev') || !name?.startsWith(PREFIX)) continue;
    const pid = Number(name.slice(PREFIX.length));
    if (Number.isInteger(pid) && !alive(pid))
      await runner.run(['nft', 'delete', 'table', family, name], { allowFail: true });
  }
}
