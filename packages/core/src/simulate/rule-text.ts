import type { MarkWrite } from '../bits/algebra-types';
import { hex8 } from '../bits/u32';
import type { AddrSet, MapKey, MarkKey, Rule, RuleExpr, ValueSet, Verdict } from '../ir/types';
import { formatCidr } from './address';

// A compact nft-style rendering used in traces when a rule carries no source text of its own.

const space = (s: 'meta' | 'ct'): string => (s === 'meta' ? 'meta mark' : 'ct mark');

function markKey(k: MarkKey): string {
  let t = space(k.space);
  if (k.mask !== 0xffffffff) t += ` & ${hex8(k.mask)}`;
  if (k.shift > 0) t += ` << ${k.shift}`;
  if (k.shift < 0) t += ` >> ${-k.shift}`;
  return t;
}

function values(v: ValueSet, fmt: (n: number) => string): string {
  if (v.kind === 'setRef') return `@${v.name}`;
  const items = v.ranges.map(([lo, hi]) => (lo === hi ? fmt(lo) : `${fmt(lo)}-${fmt(hi)}`));
  return items.length === 1 ? items[0]! : `{ ${items.join(', ')} }`;
}

function addrs(s: AddrSet): string {
  if (s.kind === 'setRef') return `@${s.name}`;
  const items = s.kind === 'cidrs' ? s.cidrs.map(formatCidr) : s.ranges.map(([a, b]) => `${a}-${b}`);
  return items.length === 1 ? items[0]! : `{ ${items.join(', ')} }`;
}

function addrFamily(s: AddrSet): 4 | 6 {
  if (s.kind === 'cidrs') return s.cidrs[0]?.family ?? 4;
  return s.kind === 'addrRanges' ? s.family : 4;
}

export function verdictText(v: Verdict): string {
  switch (v.kind) {
    case 'jump':
    case 'goto':
      return `${v.kind} ${v.target}`;
    case 'reject':
      return v.with ? `reject with ${v.with}` : 'reject';
    case 'queue':
      return v.num === undefined ? 'queue' : `queue num ${v.num}`;
    default:
      return v.kind;
  }
}

export function writeText(w: MarkWrite): string {
  const dst = space(w.dst);
  if (!w.src) {
    if (w.keep === 0) return `${dst} set ${hex8(w.xor)}`;
    return `${dst} set ${dst} & ${hex8(w.keep)} ^ ${hex8(w.xor)}`;
  }
  let src = space(w.src.space);
  if (w.src.take !== 0xffffffff) src += ` & ${hex8(w.src.take)}`;
  if (w.src.shift > 0) src += ` << ${w.src.shift}`;
  if (w.src.shift < 0) src += ` >> ${-w.src.shift}`;
  const parts = [src];
  if (w.keep !== 0) parts.unshift(`${dst} & ${hex8(w.keep)} |`);
  if (w.xor !== 0) parts.push(`^ ${hex8(w.xor)}`);
  return `${dst} set ${parts.join(' ')}`;
}

function mapKeyText(k: MapKey): string {
  switch (k.kind) {
    case 'mark':
      return markKey(k.key);
    case 'port':
      return `${k.proto === 6 ? 'tcp' : k.proto === 17 ? 'udp' : 'th'} ${k.dir === 'src' ? 'sport' : 'dport'}`;
    case 'addr':
      return `${k.family === 4 ? 'ip' : 'ip6'} ${k.dir === 'src' ? 'saddr' : 'daddr'}`;
    default:
      return k.text;
  }
}

const neg = (invert: boolean): string => (invert ? '!= ' : '');
const PROTO_NAMES: Readonly<Record<number, string>> = {
  1: 'icmp',
  6: 'tcp',
  17: 'udp',
  58: 'ipv6-icmp',
  132: 'sctp',
};
const protoName = (n: number): string => PROTO_NAMES[n] ?? String(n);

export function exprText(e: RuleExpr): string {
  switch (e.kind) {
    case 'mark':
      return `${markKey(e.key)} ${e.invert ? '!=' : '=='} ${values(e.values, hex8)}`;
    case 'iface':
      return `${e.dir === 'in' ? 'iifname' : 'oifname'} ${neg(e.invert)}${e.names.length === 1 ? `"${e.names[0]}"` : `{ ${e.names.map((n) => `"${n}"`).join(', ')} }`}`;
    case 'l3proto':
      return `meta nfproto ${neg(e.invert)}${e.family === 4 ? 'ipv4' : 'ipv6'}`;
    case 'addr':
      return `${addrFamily(e.set) === 6 ? 'ip6' : 'ip'} ${e.dir === 'src' ? 'saddr' : 'daddr'} ${neg(e.invert)}${addrs(e.set)}`;
    case 'l4proto':
      return `meta l4proto ${neg(e.invert)}${e.protos.length === 1 ? protoName(e.protos[0]!) : `{ ${e.protos.map(protoName).join(', ')} }`}`;
    case 'port':
      return `${e.proto === 6 ? 'tcp' : e.proto === 17 ? 'udp' : 'th'} ${e.dir === 'src' ? 'sport' : 'dport'} ${neg(e.invert)}${values(e.values, String)}`;
    case 'ctstate':
      return `ct state ${neg(e.invert)}${e.states.join(',')}`;
    case 'ctdirection':
      return `ct direction ${neg(e.invert)}${e.direction}`;
    case 'secmark':
      return `${e.space === 'meta' ? 'meta' : 'ct'} secmark ${neg(e.invert)}"${e.label}"`;
    case 'markWrite':
      return writeText(e.write);
    case 'markMap':
      return `${space(e.dst)} set ${mapKeyText(e.key)} map ${e.map.kind === 'mapRef' ? `@${e.map.name}` : `{ ${e.map.entries.map((x) => `${x.key[0]} : ${hex8(x.value)}`).join(', ')} }`}`;
    case 'secmarkSet':
      return `${e.dst === 'meta' ? 'meta' : 'ct'} secmark set "${e.label}"`;
    case 'secmarkCopy':
      return e.mode === 'copy'
        ? `${e.dst === 'meta' ? 'meta secmark set ct secmark' : 'ct secmark set meta secmark'}`
        : `CONNSECMARK --${e.dst === 'ct' ? 'save' : 'restore'}`;
    case 'counter':
      return 'counter';
    case 'log':
      return e.prefix ? `log prefix "${e.prefix}"` : 'log';
    case 'nat':
      return e.text;
    case 'verdict':
      return verdictText(e.verdict);
    case 'vmap':
      return `${mapKeyText(e.key)} vmap ${e.map.kind === 'mapRef' ? `@${e.map.name}` : `{ ${e.map.entries.map((x) => `${x.key[0]} : ${verdictText(x.verdict)}`).join(', ')} }`}`;
    case 'opaque':
      return e.text;
  }
}

/** The rule's own text when it was read from a file, otherwise a compact nft-style rendering. */
export function ruleText(rule: Rule): string {
  if (rule.source?.text) return rule.source.text;
  return rule.exprs.map(exprText).join(' ');
}
