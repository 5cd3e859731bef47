import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type LiveConnection, parseConntrackLine, parseConntrackListing } from './conntrack-list';

// The listing reader scans indexes for speed; this is the plain reading it must agree with: split on spaces, match
// each field with a regular expression.
function splitReading(line: string): LiveConnection | null {
  const ADDR = /^[0-9a-fA-F:.]{2,45}$/;
  const u32 = (t: string | undefined) =>
    t !== undefined && /^\d{1,10}$/.test(t) && Number(t) <= 0xffffffff ? Number(t) : null;
  const port = (t: string | undefined) =>
    t !== undefined && /^\d{1,5}$/.test(t) && Number(t) <= 65535 ? Number(t) : null;
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
  const first = new Map<string, string>();
  let replySrc: string | undefined;
  let replied = true;
  for (const w of words.slice(4)) {
    if (w === '[UNREPLIED]') replied = false;
    const eq = w.indexOf('=');
    if (eq <= 0) continue;
    const k = w.slice(0, eq);
    if (k === 'src' && first.has('src')) replySrc ??= w.slice(eq + 1);
    else if (!first.has(k)) first.set(k, w.slice(eq + 1));
  }
  const saddr = first.get('src');
  const daddr = first.get('dst');
  if (!saddr || !daddr || !ADDR.test(saddr) || !ADDR.test(daddr)) return null;
  const mark = first.has('mark') ? u32(first.get('mark')) : 0;
  const zone = first.has('zone') ? u32(first.get('zone')) : 0;
  if (mark === null || zone === null) return null;
  return {
    family,
    proto,
    protoNumber,
    saddr,
    daddr,
    sport: port(first.get('sport')),
    dport: port(first.get('dport')),
    replySaddr: replySrc && ADDR.test(replySrc) ? replySrc : null,
    mark,
    zone,
    replied,
  };
}

const value = fc.oneof(
  fc.constantFrom(
    '10.70.0.2',
    '203.0.113.7',
    'fd70::2',
    '0',
    '65535',
    '65536',
    '4294967295',
    '4294967296',
    '',
  ),
  fc.nat(99999).map(String),
  fc.string({ maxLength: 6 }),
);
const pair = fc
  .tuple(fc.constantFrom('src', 'dst', 'sport', 'dport', 'mark', 'zone', 'use', 'x', 'srcx', ''), value)
  .map(([k, v]) => `${k}=${v}`);
const word = fc.oneof(
  { weight: 4, arbitrary: pair },
  fc.constantFrom('29', 'ESTABLISHED', '[UNREPLIED]', '[ASSURED]', '[UNREPLIED]x'),
  fc.string({ maxLength: 8 }),
);
const sep = fc.constantFrom(' ', ' ', '  ', '\t', ' \t ');
const words = (max: number) => fc.array(fc.tuple(word, sep), { maxLength: max });
const addr = fc.constantFrom('10.70.0.2', '203.0.113.7', 'fd70::2', '10.70.0.2', 'x', '');
/** Mostly lines shaped like a listing's (so most fields get read and checked), some of them broken. */
const line = fc
  .tuple(
    fc.constantFrom('ipv4', 'ipv6', 'ipv4', 'ipv5', ''),
    fc.constantFrom('udp', 'tcp', 'udplite', 'UDP', 'a-very-long-protocol', ''),
    fc.constantFrom('17', '6', '255', '256', '01', 'x'),
    fc.tuple(words(3), addr, words(3), addr, words(10)),
    fc.constantFrom('', ' ', '\r', '  '),
  )
  .map(([l3, proto, num, [w1, src, w2, dst, w3], tail]) => {
    const text = (ws: [string, string][]) => ws.map(([w, s]) => w + s).join('');
    return `${l3} 2  ${proto} ${num} 29 ${text(w1)}src=${src} ${text(w2)}dst=${dst} ${text(w3)}${tail}`;
  });

describe('conntrack listing reader', () => {
  it('reads every line as splitting it into words and matching each field would', () => {
    fc.assert(
      fc.property(fc.oneof(line, fc.string({ maxLength: 40 })), (text) => {
        expect(parseConntrackLine(text)).toEqual(splitReading(text));
      }),
      { numRuns: 3000 },
    );
  });

  it('reads well-formed lines of both families', () => {
    const line = (i: number) =>
      `ipv${i % 2 ? 6 : 4}     2 udp      17 29 src=${i % 2 ? 'fd70::2' : '10.70.0.2'} dst=${i % 2 ? 'fd70::1' : '203.0.113.7'} sport=${1000 + i} dport=53 src=${i % 2 ? 'fd70::1' : '203.0.113.7'} dst=x sport=53 dport=${1000 + i} mark=${i} use=1`;
    for (let i = 0; i < 50; i++) {
      const got = parseConntrackLine(line(i));
      expect(got).not.toBeNull();
      expect(got).toEqual(splitReading(line(i)));
    }
  });

  it('counts a listing the same way line by line, trailing newline or not', () => {
    const text =
      'conntrack v1.4.7\n\nipv4 2 udp 17 29 src=10.0.0.1 dst=10.0.0.2 sport=1 dport=2\ngarbage\n  \n';
    expect(parseConntrackListing(text)).toMatchObject({ skipped: 1 });
    expect(parseConntrackListing(text).connections).toHaveLength(1);
    expect(parseConntrackListing(text.trimEnd()).connections).toHaveLength(1);
  });
});
