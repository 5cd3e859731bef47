import { shiftBy } from '../../bits/algebra';
import type { MarkSpace } from '../../bits/algebra-types';
import { U32_MAX, u32 } from '../../bits/u32';
import type {
  AddrSet,
  Cidr,
  CtState,
  MapEntry,
  MapKey,
  MarkKey,
  Match,
  Range,
  Statement,
  ValueSet,
  Verdict,
  VmapEntry,
} from '../../ir/types';
import { ctStateBit } from '../../net/conntrack';
import type { Expr } from './expr';
import type { TokenStream } from './lexer';
import { markKeyOf } from './mark-key';
import type { Rhs } from './rhs';
import {
  CT_STATES,
  cidrValue,
  isIpv4,
  isIpv6,
  L4_PROTOCOLS,
  prefixInterval,
  rangeValue,
  SERVICES,
  u32Value,
} from './values';

// Parsed expressions -> typed IR. Each function returns null when the construct is not modelled; the caller
// then keeps it as an OpaqueExpr with its text.

const unquote = (s: string): string => (s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : s);

function rhsWords(rhs: Rhs): string[] | null {
  if (rhs.kind === 'value') return [...rhs.items];
  if (rhs.kind === 'set' && rhs.elements.every((e) => e.value === undefined))
    return rhs.elements.map((e) => e.key);
  return null;
}

/** A mark value word (`0x00000010`, `lo-hi`, `v/len`) as a range plus the mask a prefix adds. */
function markRange(word: string): { range: Range; prefixMask: number } | null {
  const slash = word.split('/');
  if (slash.length === 2) {
    const v = u32Value(slash[0]!);
    const len = Number(slash[1]);
    if (v === null) return null;
    const pm = len === 0 ? 0 : u32(U32_MAX << (32 - len));
    return { range: [u32(v & pm), u32(v & pm)], prefixMask: pm };
  }
  const r = rangeValue(word);
  return r ? { range: r, prefixMask: U32_MAX } : null;
}

function valueSet(rhs: Rhs, parse: (w: string) => Range | null): ValueSet | null {
  if (rhs.kind === 'ref') return { kind: 'setRef', name: rhs.name };
  const words = rhsWords(rhs);
  if (!words) return null;
  const ranges: Range[] = [];
  for (const w of words) {
    const r = parse(w);
    if (!r) return null;
    ranges.push(r);
  }
  return { kind: 'ranges', ranges };
}

function markMatch(key: MarkKey, op: string, rhs: Rhs): Match | null {
  const invert = op === '!=';
  if (rhs.kind === 'ref') return { kind: 'mark', key, values: { kind: 'setRef', name: rhs.name }, invert };
  const words = rhsWords(rhs);
  if (!words) return null;
  let mask = key.mask;
  const ranges: Range[] = [];
  for (const w of words) {
    // In a set, `v/len` is the interval of marks it covers.
    const interval = rhs.kind === 'set' ? prefixInterval(w) : null;
    if (interval) {
      ranges.push(interval);
      continue;
    }
    const m = markRange(w);
    if (!m) return null;
    if (m.prefixMask !== U32_MAX) {
      if (words.length > 1) return null;
      // A prefix compares only the top bits of the (shifted) value.
      mask = u32(mask & shiftBy(m.prefixMask, -key.shift));
    }
    ranges.push(m.range);
  }
  const max = u32(shiftBy(key.mask, key.shift));
  if (op === '<' || op === '<=' || op === '>' || op === '>=') {
    if (ranges.length !== 1 || ranges[0]![0] !== ranges[0]![1]) return null;
    const v = ranges[0]![0];
    const range: Range | null =
      op === '<'
        ? v === 0
          ? null
          : [0, v - 1]
        : op === '<='
          ? [0, v]
          : op === '>'
            ? v >= max
              ? null
              : [v + 1, max]
            : [v, max];
    if (!range) return null;
    return {
      kind: 'mark',
      key: { ...key, mask },
      values: { kind: 'ranges', ranges: [range] },
      invert: false,
    };
  }
  if (op !== '==' && op !== '!=') return null;
  return { kind: 'mark', key: { ...key, mask }, values: { kind: 'ranges', ranges }, invert };
}

function addrSet(rhs: Rhs, family: 4 | 6): AddrSet | null {
  if (rhs.kind === 'ref') return { kind: 'setRef', name: rhs.name };
  const words = rhsWords(rhs);
  if (!words) return null;
  const cidrs: Cidr[] = [];
  const ranges: [string, string][] = [];
  for (const w of words) {
    const c = cidrValue(w);
    if (c && c.family === family) {
      cidrs.push(c);
      continue;
    }
    const parts = w.split('-');
    const ok = family === 4 ? isIpv4 : isIpv6;
    if (parts.length === 2 && ok(parts[0]!) && ok(parts[1]!)) ranges.push([parts[0]!, parts[1]!]);
    else return null;
  }
  if (cidrs.length && ranges.length) return null;
  return ranges.length ? { kind: 'addrRanges', family, ranges } : { kind: 'cidrs', cidrs };
}

const protoNumber = (w: string): Range | null => {
  const n = L4_PROTOCOLS[w] ?? u32Value(w);
  return n === null || n === undefined || n > 255 ? null : [n, n];
};

/** The IR match for `lhs op rhs`, or null when not modelled. */
export function lowerMatch(lhs: Expr, op: string, rhs: Rhs, _ts: TokenStream, _at: number): Match | null {
  const invert = op === '!=';
  if (lhs.kind === 'const') return null;
  if (lhs.kind !== 'other') {
    const key = markKeyOf(lhs);
    return key ? markMatch(key, op, rhs) : null;
  }
  if (op !== '==' && op !== '!=') return null;
  const sel = lhs.text.replace(/^meta (?=iifname|oifname|iif|oif|l4proto|nfproto)/, '');
  const words = rhsWords(rhs);
  switch (sel) {
    case 'iifname':
    case 'oifname':
    case 'iif':
    case 'oif':
      if (!words) return null;
      return {
        kind: 'iface',
        dir: sel.startsWith('i') ? 'in' : 'out',
        names: words.map(unquote),
        invert,
        ...(sel === 'iif' || sel === 'oif' ? { byIndex: true } : {}),
      };
    case 'meta nfproto':
    case 'nfproto':
      if (words?.length !== 1 || !['ipv4', 'ipv6'].includes(words[0]!)) return null;
      return { kind: 'l3proto', family: words[0] === 'ipv4' ? 4 : 6, invert };
    case 'l4proto':
    case 'ip protocol':
    case 'ip6 nexthdr': {
      const vs = valueSet(rhs, protoNumber);
      if (vs?.kind !== 'ranges') return null;
      return { kind: 'l4proto', protos: vs.ranges.map((r) => r[0]), invert };
    }
    case 'ct state': {
      if (!words?.every((w) => (CT_STATES as readonly string[]).includes(w))) return null;
      return { kind: 'ctstate', states: words as CtState[], invert };
    }
    case 'ct direction':
      if (words?.length !== 1 || (words[0] !== 'original' && words[0] !== 'reply')) return null;
      return { kind: 'ctdirection', direction: words[0], invert };
    case 'meta secmark':
    case 'ct secmark':
      if (words?.length !== 1 || !words[0]!.startsWith('"')) return null;
      return {
        kind: 'secmark',
        space: sel.startsWith('meta') ? 'meta' : 'ct',
        label: unquote(words[0]!),
        invert,
      };
  }
  const addr = /^(ip6?) (saddr|daddr)$/.exec(sel);
  if (addr) {
    const set = addrSet(rhs, addr[1] === 'ip' ? 4 : 6);
    return set ? { kind: 'addr', dir: addr[2] === 'saddr' ? 'src' : 'dst', set, invert } : null;
  }
  const port = /^(tcp|udp|sctp|udplite|th) (sport|dport)$/.exec(sel);
  if (port) {
    const values = valueSet(rhs, (w) => {
      const r = rangeValue(w, SERVICES);
      return r && r[1] <= 65535 ? r : null;
    });
    if (!values) return null;
    const proto = port[1] === 'th' ? null : L4_PROTOCOLS[port[1]!]!;
    return { kind: 'port', dir: port[2] === 'sport' ? 'src' : 'dst', proto, values, invert };
  }
  return null;
}

export function mapKeyOf(e: Expr): MapKey {
  if (e.kind !== 'other' && e.kind !== 'const') {
    const key = markKeyOf(e);
    if (key) return { kind: 'mark', key };
  }
  if (e.kind === 'other') {
    const port = /^(tcp|udp|sctp|udplite|th) (sport|dport)$/.exec(e.text);
    if (port) {
      return {
        kind: 'port',
        dir: port[2] === 'sport' ? 'src' : 'dst',
        proto: port[1] === 'th' ? null : L4_PROTOCOLS[port[1]!]!,
      };
    }
    const addr = /^(ip6?) (saddr|daddr)$/.exec(e.text);
    if (addr)
      return { kind: 'addr', dir: addr[2] === 'saddr' ? 'src' : 'dst', family: addr[1] === 'ip' ? 4 : 6 };
    return { kind: 'opaque', text: e.text };
  }
  return { kind: 'opaque', text: String(e.kind === 'const' ? e.value : '') };
}

const keyRange = (key: MapKey, w: string): Range | null =>
  key.kind === 'mark'
    ? (prefixInterval(w) ?? (markRange(w)?.prefixMask === U32_MAX ? markRange(w)!.range : null))
    : key.kind === 'port'
      ? rangeValue(w, SERVICES)
      : null;

/** `dst set KEY map DATA` as IR, or null when keys or values are not numbers we model. */
export function lowerMap(
  dst: MarkSpace,
  keyExpr: Expr,
  data: Rhs,
  _ts: TokenStream,
  _at: number,
): Statement | null {
  const key = mapKeyOf(keyExpr);
  if (key.kind === 'opaque' || key.kind === 'addr') {
    if (data.kind !== 'ref') return null;
  }
  if (data.kind === 'ref') return { kind: 'markMap', dst, key, map: { kind: 'mapRef', name: data.name } };
  if (data.kind !== 'set') return null;
  const entries: MapEntry[] = [];
  for (const el of data.elements) {
    const k = keyRange(key, el.key);
    const v = el.value === undefined ? null : u32Value(el.value);
    if (!k || v === null) return null;
    entries.push({ key: k, value: v });
  }
  return { kind: 'markMap', dst, key, map: { kind: 'elements', entries } };
}

export function parseVerdict(text: string): Verdict | null {
  const [w, arg, ...rest] = text.split(' ');
  if (rest.length) return null;
  if (w === 'accept' || w === 'drop' || w === 'return' || w === 'continue') return arg ? null : { kind: w };
  if ((w === 'jump' || w === 'goto') && arg) return { kind: w, target: arg };
  return null;
}

export function lowerVmap(
  lhs: Expr,
  data: Rhs,
  _text: string,
  _at: number,
  _ts: TokenStream,
): Statement | null {
  const key = mapKeyOf(lhs);
  const ctState = key.kind === 'opaque' && key.text === 'ct state';
  if (data.kind === 'ref')
    return key.kind === 'opaque' && !ctState
      ? null
      : { kind: 'vmap', key, map: { kind: 'mapRef', name: data.name } };
  if (data.kind !== 'set' || (key.kind === 'opaque' && !ctState) || key.kind === 'addr') return null;
  const entries: VmapEntry[] = [];
  for (const el of data.elements) {
    const bit = ctStateBit(el.key);
    const k: Range | null = ctState ? (bit === undefined ? null : [bit, bit]) : keyRange(key, el.key);
    const v = el.value === undefined ? null : parseVerdict(el.value);
    if (!k || !v) return null;
    entries.push({ key: k, verdict: v });
  }
  return { kind: 'vmap', key, map: { kind: 'elements', entries } };
}
