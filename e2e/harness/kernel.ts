// The kernel side of the deploy flows, read in the lab's namespaces with the real tools: where UDP from the
// client leaves, what Markwright owns in the router, and the ct mark conntrack keeps for a flow.

import { type Netns, type RouterLab, sendUdp } from '@markwright/testkit';

let nextSourcePort = 42000;

/** Sends two datagrams of one new flow from the client to the far address; returns what each uplink got. */
export function udpLeavesBy(lab: RouterLab, dport: number): { uplink1: number; uplink2: number } {
  const start = lab.received(dport);
  sendUdp(lab.client, { daddr: lab.farAddress, dport, sport: nextSourcePort++, count: 2 });
  const end = lab.received(dport);
  return { uplink1: end.uplink1 - start.uplink1, uplink2: end.uplink2 - start.uplink2 };
}

/** Which uplink the flow went out by, or a description of the split when it was not one of them. */
export function uplinkFor(lab: RouterLab, dport: number): 'uplink1' | 'uplink2' | string {
  const got = udpLeavesBy(lab, dport);
  if (got.uplink1 === 2 && got.uplink2 === 0) return 'uplink1';
  if (got.uplink2 === 2 && got.uplink1 === 0) return 'uplink2';
  return `uplink1 got ${got.uplink1}, uplink2 got ${got.uplink2}`;
}

/**
 * What Markwright owns in a namespace, as the tools print it: `table inet markwright` (counter values
 * blanked, they move with traffic) and the ip rules tagged with its protocol. Null parts are absent.
 */
export interface OwnedKernelState {
  readonly table: string | null;
  readonly ipRules: readonly string[];
}

export function ownedKernelState(ns: Netns): OwnedKernelState {
  const listed = ns.exec(['nft', 'list', 'table', 'inet', 'markwright'], { allowFail: true });
  const table =
    listed.code === 0 ? listed.stdout.replace(/counter packets \d+ bytes \d+/g, 'counter').trim() : null;
  const ipRules = ns
    .exec(['ip', '-4', 'rule', 'show'])
    .stdout.split('\n')
    .filter((line) => /\bproto 77\b/.test(line))
    .map((line) => line.trim());
  return { table, ipRules };
}

/** Every table in the namespace (`nft list tables`), to see nothing else appeared or vanished. */
export function nftTables(ns: Netns): string[] {
  return ns
    .exec(['nft', 'list', 'tables'])
    .stdout.split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .sort();
}

/** The ct marks conntrack holds for UDP flows to `dport` in a namespace. */
export function conntrackMarks(ns: Netns, dport: number): number[] {
  const out = ns.exec(['conntrack', '-L', '-p', 'udp', '--dport', String(dport)], { allowFail: true });
  return [...out.stdout.matchAll(/\bmark=(\d+)/g)].map((m) => Number(m[1]));
}

/**
 * Adds `table inet e2e_ctstate` to a namespace: counters of UDP packets to `dport` by conntrack state, after
 * conntrack has classified them (priority -150). Returns a reader of the two counters.
 */
export function countConntrackStates(ns: Netns, dport: number): () => { new: number; established: number } {
  ns.nft(
    [
      'table inet e2e_ctstate {',
      '  chain prerouting {',
      '    type filter hook prerouting priority -150; policy accept;',
      `    udp dport ${dport} ct state new counter comment "new"`,
      `    udp dport ${dport} ct state established counter comment "established"`,
      '  }',
      '}',
      '',
    ].join('\n'),
  );
  return () => {
    const listing = JSON.parse(ns.exec(['nft', '-j', 'list', 'table', 'inet', 'e2e_ctstate']).stdout);
    const counts = { new: 0, established: 0 };
    type Expr = { counter?: { packets: number } };
    for (const item of listing.nftables as { rule?: { comment?: string; expr: Expr[] } }[]) {
      const comment = item.rule?.comment;
      if (comment !== 'new' && comment !== 'established') continue;
      counts[comment] = item.rule!.expr.find((e) => e.counter)?.counter?.packets ?? 0;
    }
    return counts;
  };
}
