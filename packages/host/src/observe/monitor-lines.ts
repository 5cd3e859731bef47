import type { LivePacket } from '@markwright/core';

// Reads the lines `nft -a monitor trace` prints (nft 1.0.6 prints text even with -j):
//   trace id 4e8bf079 ip mangle OUTPUT packet: oif "lo" ip saddr 127.0.0.1 ... udp dport 5555 ...
//   trace id 4e8bf079 ip mangle OUTPUT rule udp dport 5555 meta mark set ... # handle 2 (verdict continue)
//   trace id 4e8bf079 ip mangle OUTPUT policy accept meta mark 0x00000110

interface EventHead {
  /** The kernel's trace id: one per packet per pass through the stack. */
  readonly id: string;
  readonly family: string;
  readonly table: string;
  readonly chain: string;
}

export type MonitorEvent =
  | (EventHead & { readonly kind: 'packet'; readonly packet: LivePacket; readonly mark: number | null })
  | (EventHead & {
      readonly kind: 'rule';
      readonly text: string;
      readonly handle: number | null;
      readonly verdict: string;
      readonly mark: number | null;
    })
  | (EventHead & { readonly kind: 'policy'; readonly verdict: string; readonly mark: number | null })
  | (EventHead & { readonly kind: 'other'; readonly text: string; readonly mark: number | null });

const HEAD = /^trace id ([0-9a-f]+) (\S+) (\S+) (\S+) (.*)$/;
const MARK = /\bmeta mark (0x[0-9a-f]+)\b/;
const RULE_TAIL = /^(.*?)(?: # handle (\d+))? \(verdict ([^)]*)\)\s*(.*)$/;

const markIn = (text: string): number | null => {
  const m = MARK.exec(text);
  return m ? Number.parseInt(m[1]!, 16) >>> 0 : null;
};

function word(text: string, key: RegExp): string | null {
  const m = key.exec(text);
  return m ? m[1]! : null;
}

function packetOf(text: string): LivePacket {
  const saddr = word(text, /\bip6? saddr (\S+)/);
  const daddr = word(text, /\bip6? daddr (\S+)/);
  const family = /\bip6 /.test(text) ? 6 : /\bip /.test(text) ? 4 : null;
  const proto =
    word(text, /\b(?:ip protocol|ip6 nexthdr|meta l4proto) (\S+)/) ??
    word(text, /\b(tcp|udp|sctp|icmp|icmpv6) /);
  const port = (dir: string): number | null => {
    const p = word(text, new RegExp(`\\b(?:tcp|udp|sctp|udplite|dccp) ${dir} (\\d+)`));
    return p === null ? null : Number(p);
  };
  const dev = (dir: string): string | null => word(text, new RegExp(`\\b${dir} "([^"]*)"`));
  return {
    family,
    iif: dev('iif'),
    oif: dev('oif'),
    saddr,
    daddr,
    proto,
    sport: port('sport'),
    dport: port('dport'),
  };
}

/** One monitor line as an event, or null for anything else (blank lines, warnings). */
export function parseMonitorLine(line: string): MonitorEvent | null {
  const m = HEAD.exec(line.trimEnd());
  if (!m) return null;
  const head: EventHead = { id: m[1]!, family: m[2]!, table: m[3]!, chain: m[4]! };
  const rest = m[5]!;
  if (rest.startsWith('packet: ')) {
    const body = rest.slice('packet: '.length);
    return { ...head, kind: 'packet', packet: packetOf(body), mark: markIn(body) };
  }
  if (rest.startsWith('rule ')) {
    const r = RULE_TAIL.exec(rest.slice('rule '.length));
    if (!r) return { ...head, kind: 'other', text: rest, mark: markIn(rest) };
    return {
      ...head,
      kind: 'rule',
      text: r[1]!.trim(),
      handle: r[2] === undefined ? null : Number(r[2]),
      verdict: r[3]!.trim(),
      mark: markIn(r[4] ?? ''),
    };
  }
  if (rest.startsWith('policy ')) {
    const verdict = rest.slice('policy '.length).split(' ')[0]!;
    return { ...head, kind: 'policy', verdict, mark: markIn(rest) };
  }
  return { ...head, kind: 'other', text: rest, mark: markIn(rest) };
}
