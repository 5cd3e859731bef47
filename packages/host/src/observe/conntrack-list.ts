import type { Runner } from '../exec/runner';

// Reads the connection table as `conntrack -L -o extended` prints it, one line per connection:
//   ipv4     2 udp      17 29 src=10.70.0.2 dst=203.0.113.7 sport=40000 dport=5060 [UNREPLIED] src=203.0.113.7
//   dst=10.70.0.2 sport=5060 dport=40000 mark=4096 zone=3 use=1
// Every value is checked before use: a line that does not read as a connection is skipped and counted.

export interface LiveConnection {
  readonly family: 4 | 6;
  readonly proto: string;
  readonly protoNumber: number;
  readonly saddr: string;
  readonly daddr: string;
  readonly sport: number | null;
  readonly dport: number | null;
  /** The reply direction's source: differs from daddr when the connection is DNATed. */
  readonly replySaddr: string | null;
  readonly mark: number;
  readonly zone: number;
  /** A reply was seen (conntrack prints [UNREPLIED] until then). */
  readonly replied: boolean;
}

export interface ConntrackListing {
  readonly connections: LiveConnection[];
  /** Lines that did not read as a connection. */
  readonly skipped: number;
}

const ADDR = /^[0-9a-fA-F:.]{2,45}$/;

function u32(text: string | undefined): number | null {
  if (text === undefined || !/^\d{1,10}$/.test(text)) return null;
  const n = Number(text);
  return n <= 0xffffffff ? n : null;
}

function port(text: string | undefined): number | null {
  if (text === undefined || !/^\d{1,5}$/.test(text)) return null;
  const n = Number(text);
  return n <= 65535 ? n : null;
}

/** One `conntrack -L -o extended` line, or null when it is not a connection line. */
export function parseConntrackLine(line: string): LiveConnection | null {
  const words = line.trim().split(/ +/);
  if (words.length < 6) return null;
  const [l3, , proto, protoNum] = words;
  const family = l3 === 'ipv4' ? 4 : l3 === 'ipv6' ? 6 : null;
  const protoNumber = u32(protoNum);
  if (
    family === null ||
    !proto ||
    !/^[a-z0-9-]{1,16}$/.test(proto) ||
    protoNumber === null ||
    protoNumber > 255
  )
    return null;
  // key=value pairs: the first src/dst/sport/dport are the original direction, the second ones the reply.
  let saddr: string | undefined;
  let daddr: string | undefined;
  let sportText: string | undefined;
  let dportText: string | undefined;
  let replySrc: string | undefined;
  let markText: string | undefined;
  let zoneText: string | undefined;
  let replied = true;
  for (let i = 4; i < words.length; i++) {
    const w = words[i]!;
    if (w === '[UNREPLIED]') replied = false;
    const eq = w.indexOf('=');
    if (eq <= 0) continue;
    const v = w.slice(eq + 1);
    switch (w.slice(0, eq)) {
      case 'src':
        if (saddr === undefined) saddr = v;
        else replySrc ??= v;
        break;
      case 'dst':
        daddr ??= v;
        break;
      case 'sport':
        sportText ??= v;
        break;
      case 'dport':
        dportText ??= v;
        break;
      case 'mark':
        markText ??= v;
        break;
      case 'zone':
        zoneText ??= v;
        break;
    }
  }
  if (!saddr || !daddr || !ADDR.test(saddr) || !ADDR.test(daddr)) return null;
  const mark = markText === undefined ? 0 : u32(markText);
  const zone = zoneText === undefined ? 0 : u32(zoneText);
  if (mark === null || zone === null) return null;
  return {
    family,
    proto,
    protoNumber,
    saddr,
    daddr,
    sport: port(sportText),
    dport: port(dportText),
    replySaddr: replySrc && ADDR.test(replySrc) ? replySrc : null,
    mark,
    zone,
    replied,
  };
}

export function parseConntrackListing(text: string): ConntrackListing {
  const connections: LiveConnection[] = [];
  let skipped = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.startsWith('conntrack v')) continue;
    const c = parseConntrackLine(line);
    if (c) connections.push(c);
    else skipped++;
  }
  return { connections, skipped };
}

/** Both families' connections on the target. */
export async function readConntrack(runner: Runner): Promise<ConntrackListing> {
  let text = '';
  for (const family of ['ipv4', 'ipv6']) {
    const r = await runner.run(['conntrack', '-L', '-f', family, '-o', 'extended'], { allowFail: true });
    if (r.code === 0) text += r.stdout;
  }
  return parseConntrackListing(text);
}

/** A connection's key in both directions, as the trace and impact look flows up. */
export const flowKey = (
  proto: string,
  saddr: string,
  sport: number | null,
  daddr: string,
  dport: number | null,
) => `${proto} ${saddr} ${sport ?? '-'} ${daddr} ${dport ?? '-'}`;
