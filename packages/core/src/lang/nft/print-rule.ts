import { shiftBy } from '../../bits/algebra';
import { InputError } from '../../bits/errors';
import { markName, type NftBitwiseOp, printChain, printWriteValue } from '../../bits/nft-ops';
import { hex8, U32_MAX, u32 } from '../../bits/u32';
import type {
  AddrSet,
  Family,
  MapKey,
  MarkKey,
  Range,
  Rule,
  RuleExpr,
  ValueSet,
  Verdict,
} from '../../ir/types';
import { ctStateName } from '../../net/conntrack';
import { formatCidr, L4_NAMES, markIntervalText } from './values';

// IR -> nft rule text, in the form `nft list ruleset` prints.

/** `meta mark & 0x... >> 8` style key text: the shift first, then the mask on the shifted value. */
export function markKeyText(key: MarkKey): string {
  const ops: NftBitwiseOp[] = [];
  if (key.shift !== 0) ops.push({ kind: 'shift', by: key.shift });
  const after = u32(shiftBy(key.mask, key.shift));
  if (after !== shiftBy(U32_MAX, key.shift)) ops.push({ kind: 'maskXor', mask: after, xor: 0 });
  else if (key.shift === 0 && key.mask !== U32_MAX) ops.push({ kind: 'maskXor', mask: key.mask, xor: 0 });
  return printChain(markName(key.space), ops, true);
}

const keyHasOps = (key: MarkKey): boolean => key.shift !== 0 || key.mask !== U32_MAX;

const rangeText = (r: Range, fmt: (n: number) => string): string =>
  r[0] === r[1] ? fmt(r[0]) : `${fmt(r[0])}-${fmt(r[1])}`;

function valueSetText(
  values: ValueSet,
  fmt: (n: number) => string,
  mark = false,
): { text: string; single: boolean } {
  if (values.kind === 'setRef') return { text: `@${values.name}`, single: false };
  // Mark sets list aligned intervals as prefixes (a lone range stays `lo-hi`).
  const inSet = values.ranges.length > 1;
  const items = values.ranges.map((r) => (mark && inSet ? markIntervalText(r[0], r[1]) : rangeText(r, fmt)));
  if (items.length === 1) return { text: items[0]!, single: true };
  return { text: `{ ${items.join(', ')} }`, single: false };
}

/** lhs [op] rhs as nft prints relations: `==` is implicit unless the lhs is a binary operation. */
function relation(lhs: string, rhs: string, invert: boolean, lhsIsBinop: boolean): string {
  if (invert) return `${lhs} != ${rhs}`;
  return lhsIsBinop ? `${lhs} == ${rhs}` : `${lhs} ${rhs}`;
}

const quote = (s: string): string => `"${s}"`;

function addrSetText(set: AddrSet): string {
  if (set.kind === 'setRef') return `@${set.name}`;
  const items =
    set.kind === 'cidrs' ? set.cidrs.map(formatCidr) : set.ranges.map(([lo, hi]) => `${lo}-${hi}`);
  return items.length === 1 ? items[0]! : `{ ${items.join(', ')} }`;
}

function addrFamily(set: AddrSet): 4 | 6 {
  if (set.kind === 'cidrs') return set.cidrs[0]?.family ?? 4;
  if (set.kind === 'addrRanges') return set.family;
  return 4;
}

const protoName = (p: number): string => L4_NAMES[p] ?? String(p);
const portProto = (p: number | null): string =>
  p === null ? 'th' : p === 6 ? 'tcp' : p === 17 ? 'udp' : p === 132 ? 'sctp' : p === 136 ? 'udplite' : 'th';

export function verdictText(v: Verdict): string {
  switch (v.kind) {
    case 'jump':
    case 'goto':
      return `${v.kind} ${v.target}`;
    case 'reject':
      return v.with ? `reject with ${v.with}` : 'reject';
    case 'queue': {
      const flags = v.bypass ? ' flags bypass' : '';
      return v.num === undefined ? `queue${flags}` : `queue${flags} to ${v.num}`;
    }
    default:
      return v.kind;
  }
}

export function mapKeyText(key: MapKey): string {
  switch (key.kind) {
    case 'mark':
      return markKeyText(key.key);
    case 'port':
      return `${portProto(key.proto)} ${key.dir === 'src' ? 'sport' : 'dport'}`;
    case 'addr':
      return `${key.family === 4 ? 'ip' : 'ip6'} ${key.dir === 'src' ? 'saddr' : 'daddr'}`;
    case 'opaque':
      return key.text;
  }
}

const keyFormat = (key: MapKey) =>
  key.kind === 'mark'
    ? hex8
    : key.kind === 'opaque' && key.text === 'ct state'
      ? (n: number) => ctStateName(n) ?? String(n)
      : (n: number) => String(n);

const entryKeyText = (key: MapKey, r: Range, fmt: (n: number) => string): string =>
  key.kind === 'mark' ? markIntervalText(r[0], r[1]) : rangeText(r, fmt);

/** One match or statement as nft prints it. */
export function emitNftExpr(e: RuleExpr): string {
  switch (e.kind) {
    case 'mark': {
      const { text, single } = valueSetText(e.values, hex8, true);
      const hasRange = e.values.kind === 'ranges' && e.values.ranges.some((r) => r[0] !== r[1]);
      return relation(
        markKeyText(e.key),
        text,
        e.invert,
        keyHasOps(e.key) && !hasRange && (single || !e.invert),
      );
    }
    case 'iface': {
      const lhs = e.dir === 'in' ? (e.byIndex ? 'iif' : 'iifname') : e.byIndex ? 'oif' : 'oifname';
      const rhs = e.names.length === 1 ? quote(e.names[0]!) : `{ ${e.names.map(quote).join(', ')} }`;
      return relation(lhs, rhs, e.invert, false);
    }
    case 'l3proto':
      return relation('meta nfproto', e.family === 4 ? 'ipv4' : 'ipv6', e.invert, false);
    case 'addr': {
      const lhs = `${addrFamily(e.set) === 4 ? 'ip' : 'ip6'} ${e.dir === 'src' ? 'saddr' : 'daddr'}`;
      return relation(lhs, addrSetText(e.set), e.invert, false);
    }
    case 'l4proto': {
      const rhs =
        e.protos.length === 1 ? protoName(e.protos[0]!) : `{ ${e.protos.map(protoName).join(', ')} }`;
      return relation('meta l4proto', rhs, e.invert, false);
    }
    case 'port': {
      const lhs = `${portProto(e.proto)} ${e.dir === 'src' ? 'sport' : 'dport'}`;
      return relation(lhs, valueSetText(e.values, String).text, e.invert, false);
    }
    case 'ctstate':
      return relation('ct state', e.states.join(','), e.invert, false);
    case 'ctdirection':
      return relation('ct direction', e.direction, e.invert, false);
    case 'secmark':
      return relation(`${e.space} secmark`, quote(e.label), e.invert, false);
    case 'opaque':
      return e.text;
    case 'markWrite':
      return `${markName(e.write.dst)} set ${printWriteValue(e.write)}`;
    case 'markMap': {
      const fmt = keyFormat(e.key);
      const data =
        e.map.kind === 'mapRef'
          ? `@${e.map.name}`
          : `{ ${e.map.entries.map((en) => `${entryKeyText(e.key, en.key, fmt)} : ${hex8(en.value)}`).join(', ')} }`;
      return `${markName(e.dst)} set ${mapKeyText(e.key)} map ${data}`;
    }
    case 'secmarkSet':
      return `${e.dst} secmark set ${quote(e.label)}`;
    case 'secmarkCopy':
      if (e.mode !== 'copy') {
        throw new InputError(
          'rule.secmarkCopy.mode',
          e.mode,
          'nft has no CONNSECMARK; only copy is expressible',
        );
      }
      return e.dst === 'ct' ? 'ct secmark set meta secmark' : 'meta secmark set ct secmark';
    case 'counter':
      return 'counter';
    case 'log': {
      let t = 'log';
      if (e.prefix !== undefined) t += ` prefix ${quote(e.prefix)}`;
      if (e.group !== undefined) t += ` group ${e.group}`;
      return t;
    }
    case 'nat':
      return e.text;
    case 'verdict':
      return verdictText(e.verdict);
    case 'vmap': {
      const fmt = keyFormat(e.key);
      const data =
        e.map.kind === 'mapRef'
          ? `@${e.map.name}`
          : `{ ${e.map.entries.map((en) => `${entryKeyText(e.key, en.key, fmt)} : ${verdictText(en.verdict)}`).join(', ')} }`;
      return `${mapKeyText(e.key)} vmap ${data}`;
    }
  }
}

/** Where a rule is emitted; the text does not depend on it today (kept for family-specific forms). */
export interface NftRuleContext {
  readonly family?: Family;
}

/** A rule body as `nft list` prints it (without handle), ready for `nft add rule FAMILY TABLE CHAIN <body>`. */
export function emitNftRule(rule: Rule, _ctx: NftRuleContext = {}): string {
  const parts = rule.exprs.map(emitNftExpr);
  if (rule.comment !== undefined) parts.push(`comment ${quote(rule.comment)}`);
  return parts.join(' ');
}
