import { hex8 } from '../bits/u32';
import { isStatement } from '../ir/statements';
import type { MarkKey, Match, Range, Rule, RuleExpr, Statement, ValueSet, Verdict } from '../ir/types';

// A compact, nft-like rendering of a rule for reports when the rule carries no source text of its own.
// It names every expression so a reader can find the rule; emitters produce the loadable forms.

const markName = (space: MarkKey['space']): string => (space === 'meta' ? 'meta mark' : 'ct mark');

function describeKey(key: MarkKey): string {
  let text = markName(key.space);
  if (key.mask !== 0xffffffff) text += ` & ${hex8(key.mask)}`;
  if (key.shift > 0) text += ` << ${key.shift}`;
  if (key.shift < 0) text += ` >> ${-key.shift}`;
  return text;
}

const describeRange = ([lo, hi]: Range, hexValues: boolean): string => {
  const f = (n: number): string => (hexValues ? hex8(n) : String(n));
  return lo === hi ? f(lo) : `${f(lo)}-${f(hi)}`;
};

function describeValues(values: ValueSet, hexValues: boolean): string {
  if (values.kind === 'setRef') return `@${values.name}`;
  const items = values.ranges.map((r) => describeRange(r, hexValues));
  return items.length === 1 ? items[0]! : `{ ${items.join(', ')} }`;
}

export function describeVerdict(verdict: Verdict): string {
  switch (verdict.kind) {
    case 'jump':
    case 'goto':
      return `${verdict.kind} ${verdict.target}`;
    case 'reject':
      return verdict.with ? `reject with ${verdict.with}` : 'reject';
    case 'queue':
      return verdict.num === undefined ? 'queue' : `queue num ${verdict.num}`;
    default:
      return verdict.kind;
  }
}

function describeMatch(match: Exclude<Match, { kind: 'opaque' }>): string {
  const neg = match.invert ? '!= ' : '';
  switch (match.kind) {
    case 'mark': {
      // nft prints `==` before a single masked value, nothing before a set.
      const single = match.values.kind === 'ranges' && match.values.ranges.length === 1;
      const op = match.invert ? '!= ' : single && match.key.mask !== 0xffffffff ? '== ' : '';
      return `${describeKey(match.key)} ${op}${describeValues(match.values, true)}`;
    }
    case 'iface': {
      const names = match.names.map((n) => `"${n}"`);
      const list = names.length === 1 ? names[0]! : `{ ${names.join(', ')} }`;
      return `${match.dir === 'in' ? 'iifname' : 'oifname'} ${neg}${list}`;
    }
    case 'l3proto':
      return `meta nfproto ${neg}ipv${match.family}`;
    case 'addr': {
      const set = match.set;
      const text =
        set.kind === 'setRef'
          ? `@${set.name}`
          : set.kind === 'cidrs'
            ? set.cidrs.map((c) => `${c.address}/${c.prefix}`).join(', ')
            : set.ranges.map(([a, b]) => `${a}-${b}`).join(', ');
      return `${match.dir === 'src' ? 'saddr' : 'daddr'} ${neg}${text}`;
    }
    case 'l4proto':
      return `meta l4proto ${neg}${match.protos.length === 1 ? match.protos[0] : `{ ${match.protos.join(', ')} }`}`;
    case 'port': {
      const proto = match.proto === 6 ? 'tcp' : match.proto === 17 ? 'udp' : 'th';
      return `${proto} ${match.dir === 'src' ? 'sport' : 'dport'} ${neg}${describeValues(match.values, false)}`;
    }
    case 'ctstate':
      return `ct state ${neg}${match.states.join(',')}`;
    case 'ctdirection':
      return `ct direction ${neg}${match.direction}`;
    case 'secmark':
      return `${match.space} secmark ${neg}"${match.label}"`;
  }
}

function describeStatement(statement: Exclude<Statement, { kind: 'opaque' }>): string {
  switch (statement.kind) {
    case 'markWrite': {
      const { dst, keep, src, xor } = statement.write;
      const parts: string[] = [];
      if (keep !== 0) parts.push(keep === 0xffffffff ? markName(dst) : `${markName(dst)} & ${hex8(keep)}`);
      if (src) parts.push(describeKey({ space: src.space, mask: src.take, shift: src.shift }));
      if (xor !== 0 || parts.length === 0) parts.push(hex8(xor));
      return `${markName(dst)} set ${parts.join(' ^ ')}`;
    }
    case 'markMap': {
      const map = statement.map.kind === 'mapRef' ? `@${statement.map.name}` : '{ ... }';
      const key = statement.key.kind === 'mark' ? describeKey(statement.key.key) : statement.key.kind;
      return `${markName(statement.dst)} set ${key} map ${map}`;
    }
    case 'vmap': {
      const key = statement.key.kind === 'mark' ? describeKey(statement.key.key) : statement.key.kind;
      return `${key} vmap ${statement.map.kind === 'mapRef' ? `@${statement.map.name}` : '{ ... }'}`;
    }
    case 'secmarkSet':
      return `${statement.dst} secmark set "${statement.label}"`;
    case 'secmarkCopy':
      return statement.dst === 'ct' ? 'ct secmark set meta secmark' : 'meta secmark set ct secmark';
    case 'counter':
      return 'counter';
    case 'log':
      return statement.prefix ? `log prefix "${statement.prefix}"` : 'log';
    case 'nat':
      return statement.text;
    case 'verdict':
      return describeVerdict(statement.verdict);
  }
}

export function describeExpr(expr: RuleExpr): string {
  if (expr.kind === 'opaque') return expr.text;
  return isStatement(expr)
    ? describeStatement(expr as Exclude<Statement, { kind: 'opaque' }>)
    : describeMatch(expr as Exclude<Match, { kind: 'opaque' }>);
}

/** The rule's own text when a parser kept it, else an nft-like rendering of its expressions. */
export function describeRule(rule: Rule): string {
  if (rule.source?.text) return rule.source.text;
  const text = rule.exprs.map(describeExpr).join(' ');
  return rule.comment ? `${text} comment "${rule.comment}"` : text;
}
