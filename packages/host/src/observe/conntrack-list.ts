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

// Lines are read by scanning indexes, not by splitting and matching: a listing has one line per connection and a
// busy box lists hundreds of thousands. Each field is checked character by character, as strictly as before.

const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/** Up to `max` decimal digits as a number, or null when the text is anything else. */
function digits(text: string | undefined, max: number): number | null {
  if (text === undefined || text.length === 0 || text.length > max) return null;
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!isDigit(c)) return null;
    n = n * 10 + (c - 48);
  }
  return n;
}

function u32(text: string | undefined): number | null {
  const n = digits(text, 10);
  return n !== null && n <= 0xffffffff ? n : null;
}

function port(text: string | undefined): number | null {
  const n = digits(text, 5);
  return n !== null && n <= 65535 ? n : null;
}

/** An address as conntrack prints it: 2 to 45 of hex digits, ':' and '.'. */
function isAddrText(text: string): boolean {
  if (text.length < 2 || text.length > 45) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const ok =
      isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70) || c === 58 /* : */ || c === 46; /* . */
    if (!ok) return false;
  }
  return true;
}

/** A protocol name: 1 to 16 of lower-case letters, digits and '-'. */
function isProtoName(text: string): boolean {
  if (text.length < 1 || text.length > 16) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!(isDigit(c) || (c >= 97 && c <= 122) || c === 45)) return false;
  }
  return true;
}

const SPACE = 32;

/** One `conntrack -L -o extended` line, or null when it is not a connection line. */
export function parseConntrackLine(line: string): LiveConnection | null {
  const t = line.trim();
  const end = t.length;
  let l3: string | undefined;
  let proto: string | undefined;
  let protoNum: string | undefined;
  // key=value pairs: the first src/dst/sport/dport are the original direction, the second ones the reply.
  let saddr: string | undefined;
  let daddr: string | undefined;
  let sportText: string | undefined;
  let dportText: string | undefined;
  let replySrc: string | undefined;
  let markText: string | undefined;
  let zoneText: string | undefined;
  let replied = true;
  let words = 0;
  let at = 0;
  while (at < end) {
    // Words are separated by runs of spaces (other white space belongs to the word).
    let stop = t.indexOf(' ', at);
    if (stop < 0) stop = end;
    const w = words++;
    if (w === 0) l3 = t.slice(at, stop);
    else if (w === 2) proto = t.slice(at, stop);
    else if (w === 3) protoNum = t.slice(at, stop);
    else if (w >= 4) {
      const eq = t.indexOf('=', at);
      if (eq > at && eq < stop) {
        const k = eq - at;
        if (k === 3 && t.startsWith('src', at)) {
          if (saddr === undefined) saddr = t.slice(eq + 1, stop);
          else replySrc ??= t.slice(eq + 1, stop);
        } else if (k === 3 && t.startsWith('dst', at)) daddr ??= t.slice(eq + 1, stop);
        else if (k === 5 && t.startsWith('sport', at)) sportText ??= t.slice(eq + 1, stop);
        else if (k === 5 && t.startsWith('dport', at)) dportText ??= t.slice(eq + 1, stop);
        else if (k === 4 && t.startsWith('mark', at)) markText ??= t.slice(eq + 1, stop);
        else if (k === 4 && t.startsWith('zone', at)) zoneText ??= t.slice(eq + 1, stop);
      } else if (stop - at === 11 && t.startsWith('[UNREPLIED]', at)) replied = false;
    }
    at = stop;
    while (at < end && t.charCodeAt(at) === SPACE) at++;
  }
  if (words < 6) return null;
  const family = l3 === 'ipv4' ? 4 : l3 === 'ipv6' ? 6 : null;
  const protoNumber = u32(protoNum);
  if (family === null || !proto || !isProtoName(proto) || protoNumber === null || protoNumber > 255)
    return null;
  if (!saddr || !daddr || !isAddrText(saddr) || !isAddrText(daddr)) return null;
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
    replySaddr: replySrc && isAddrText(replySrc) ? replySrc : null,
    mark,
    zone,
    replied,
  };
}

export function parseConntrackListing(text: string): ConntrackListing {
  const connections: LiveConnection[] = [];
  let skipped = 0;
  let at = 0;
  while (at <= text.length) {
    let nl = text.indexOf('\n', at);
    if (nl < 0) nl = text.length;
    const line = text.slice(at, nl);
    at = nl + 1;
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
