import { InputError } from '../bits/errors';
import { isModelledMatch } from '../ir/match-kinds';
import type {
  AddrSet,
  Chain,
  Match,
  NamedSet,
  Range,
  Rule,
  Statement,
  Table,
  ValueSet,
  Verdict,
} from '../ir/types';
import { describeVerdict as verdictText } from '../lang/describe-rule';
import { ruleText } from '../lang/rule-text';
import { type AddrTest, cidrTest, rangeTest } from './address';
import { ifaceTest, mapKeyReader, markReader, markWriter, natStatement } from './expr-helpers';
import { fastOp, fuseOps } from './fast-ops';
import { isNotrack } from './notrack';
import { buildChainIndex, INDEX_FROM_RULES, mayChangeKeys } from './rule-index';
import {
  type CompiledChain,
  type CompiledExpr,
  type CompiledRule,
  type PacketState,
  R_ACCEPT,
  R_BREAK,
  R_CONT,
  R_DROP,
  R_GOTO,
  R_JUMP,
  R_NEXT,
  R_RETURN,
} from './state';

type NumTest = (n: number) => boolean;

function rangesTest(ranges: readonly Range[]): NumTest {
  if (ranges.length === 1) {
    const [lo, hi] = ranges[0]!;
    return lo === hi ? (n) => n === lo : (n) => n >= lo && n <= hi;
  }
  const singles = new Set<number>();
  const spans: Range[] = [];
  for (const r of ranges) r[0] === r[1] ? singles.add(r[0]) : spans.push(r);
  return (n) => singles.has(n) || spans.some(([lo, hi]) => n >= lo && n <= hi);
}

/** Compiles one table's chains into closures; set and chain references are resolved once, here. */
export class TableCompiler {
  private readonly sets = new Map<string, NamedSet>();
  readonly chains = new Map<string, CompiledChain>();

  /** `indexFromRules`: chains at least this long are classified by a packet key instead of scanned. */
  constructor(
    readonly table: Table,
    indexFromRules = INDEX_FROM_RULES,
  ) {
    for (const s of table.sets) this.sets.set(s.name, s);
    for (const c of table.chains) this.chains.set(c.name, { name: c.name, table, rules: [], index: null });
    for (const c of table.chains) {
      const compiled = this.chains.get(c.name)!;
      compiled.rules = c.rules.map((r, i) => this.rule(c, r, i));
      compiled.index = buildChainIndex(c.rules, indexFromRules);
    }
  }

  private where(chain: Chain, index: number): string {
    return `${this.table.family} ${this.table.name} ${chain.name} rule ${index + 1}`;
  }

  private set(name: string, at: string): NamedSet {
    const s = this.sets.get(name);
    if (!s)
      throw new InputError(at, `@${name}`, `refers to a set that table ${this.table.name} does not define`);
    return s;
  }

  private numTest(v: ValueSet, at: string): NumTest {
    if (v.kind === 'ranges') return rangesTest(v.ranges);
    const ranges: Range[] = [];
    for (const e of this.set(v.name, at).elements) if (e.kind === 'range') ranges.push(e.range);
    return ranges.length === 0 ? () => false : rangesTest(ranges);
  }

  private addrTest(s: AddrSet, at: string): AddrTest {
    let tests: AddrTest[];
    if (s.kind === 'cidrs') tests = s.cidrs.map(cidrTest);
    else if (s.kind === 'addrRanges') tests = s.ranges.map(([lo, hi]) => rangeTest(s.family, lo, hi));
    else {
      tests = [];
      for (const e of this.set(s.name, at).elements) if (e.kind === 'cidr') tests.push(cidrTest(e.cidr));
    }
    return tests.length === 1 ? tests[0]! : (a) => tests.some((t) => t(a));
  }

  private chainRef(name: string, at: string): CompiledChain {
    const c = this.chains.get(name);
    if (!c) throw new InputError(at, name, `jumps to a chain that table ${this.table.name} does not define`);
    return c;
  }

  private rule(chain: Chain, rule: Rule, index: number): CompiledRule {
    const at = this.where(chain, index);
    const exprs = rule.exprs.map((e) =>
      isMatch(e) ? this.match(e, at) : this.statement(e as Statement, at),
    );
    return {
      ops: fuseOps(rule.exprs.map((e, i) => fastOp(e, exprs[i]!))),
      text: ruleText(rule, this.table),
      mutates: mayChangeKeys(rule),
    };
  }

  private match(m: Match, at: string): CompiledExpr {
    switch (m.kind) {
      case 'mark': {
        const read = markReader(m.key);
        const test = this.numTest(m.values, at);
        const inv = m.invert;
        // Without a conntrack entry a ct mark match is false either way (xt connmark, nft ct both stop).
        return m.key.space === 'ct'
          ? (p) => (p.ct !== null && test(read(p)) !== inv ? R_CONT : R_BREAK)
          : (p) => (test(read(p)) !== inv ? R_CONT : R_BREAK);
      }
      case 'iface': {
        const tests = m.names.map(ifaceTest);
        const inv = m.invert;
        const pick = m.dir === 'in' ? (p: PacketState) => p.iif : (p: PacketState) => p.oif;
        return (p) => (tests.some((t) => t(pick(p))) !== inv ? R_CONT : R_BREAK);
      }
      case 'l3proto': {
        const { family, invert } = m;
        return (p) => ((p.family === family) !== invert ? R_CONT : R_BREAK);
      }
      case 'addr': {
        const test = this.addrTest(m.set, at);
        const { invert } = m;
        const src = m.dir === 'src';
        const fam = addrSetFamily(m.set);
        // `ip saddr` on an IPv6 packet (inet table) does not match, inverted or not.
        return (p) => {
          if (fam !== 0 && p.family !== fam) return R_BREAK;
          return test(src ? p.saddr : p.daddr) !== invert ? R_CONT : R_BREAK;
        };
      }
      case 'l4proto': {
        const protos = new Set(m.protos);
        const { invert } = m;
        return (p) => (protos.has(p.proto) !== invert ? R_CONT : R_BREAK);
      }
      case 'port': {
        const test = this.numTest(m.values, at);
        const { invert, proto } = m;
        const src = m.dir === 'src';
        return (p) => {
          if (!p.hasPorts || (proto !== null && p.proto !== proto)) return R_BREAK;
          return test(src ? p.sport : p.dport) !== invert ? R_CONT : R_BREAK;
        };
      }
      case 'ctstate': {
        const states = new Set(m.states);
        const { invert } = m;
        return (p) => (states.has(p.ctState) !== invert ? R_CONT : R_BREAK);
      }
      case 'ctdirection': {
        const { direction, invert } = m;
        return (p) => (p.ct !== null && (p.ctDirection === direction) !== invert ? R_CONT : R_BREAK);
      }
      case 'secmark': {
        const { label, invert } = m;
        if (m.space === 'ct')
          return (p) => (p.ct !== null && (p.ct.secmark === label) !== invert ? R_CONT : R_BREAK);
        return (p) => ((p.secmark === label) !== invert ? R_CONT : R_BREAK);
      }
      case 'opaque': {
        const note = `not modelled, counted as not matching: ${m.text}`;
        return (p) => {
          p.unknown++;
          p.note = note;
          return R_BREAK;
        };
      }
    }
  }

  private verdict(v: Verdict, at: string): CompiledExpr {
    const text = verdictText(v);
    switch (v.kind) {
      case 'accept':
        return (p) => {
          p.verdictText = text;
          return R_ACCEPT;
        };
      case 'queue':
        return (p) => {
          p.verdictText = text;
          p.note = 'queue: modelled as accept (userspace decides)';
          return R_ACCEPT;
        };
      case 'drop':
      case 'reject':
        return (p) => {
          p.verdictText = text;
          return R_DROP;
        };
      case 'return':
        return (p) => {
          p.verdictText = text;
          return R_RETURN;
        };
      case 'continue':
        return (p) => {
          p.verdictText = text;
          return R_NEXT;
        };
      case 'jump':
      case 'goto': {
        const target = this.chainRef(v.target, at);
        const code = v.kind === 'jump' ? R_JUMP : R_GOTO;
        return (p) => {
          p.verdictText = text;
          p.target = target;
          return code;
        };
      }
    }
  }

  private statement(s: Statement, at: string): CompiledExpr {
    const iptables = this.table.origin === 'iptables';
    switch (s.kind) {
      case 'markWrite':
        return markWriter(s.write, iptables);
      case 'markMap': {
        const read = mapKeyReader(s.key);
        const lookup = this.valueMap(s.map, at);
        const dst = s.dst;
        return (p) => {
          const k = read(p);
          if (k === null) return R_BREAK;
          const v = lookup(k);
          if (v === undefined) return R_BREAK;
          if (dst === 'meta') p.mark = v;
          else if (p.ct) p.ct.mark = v;
          return R_CONT;
        };
      }
      case 'vmap': {
        const read = mapKeyReader(s.key);
        const entries =
          s.map.kind === 'elements'
            ? s.map.entries.map((e) => ({ key: e.key, verdict: e.verdict }))
            : this.set(s.map.name, at).elements.flatMap((e) =>
                e.kind === 'range' && typeof e.value === 'object' ? [{ key: e.range, verdict: e.value }] : [],
              );
        const compiled = entries.map((e) => ({ key: e.key, run: this.verdict(e.verdict, at) }));
        return (p) => {
          const k = read(p);
          if (k === null) return R_BREAK;
          for (const e of compiled) if (k >= e.key[0] && k <= e.key[1]) return e.run(p);
          return R_BREAK;
        };
      }
      case 'secmarkSet': {
        const { label, dst } = s;
        return dst === 'meta'
          ? (p) => {
              p.secmark = label;
              return R_CONT;
            }
          : (p) => {
              if (p.ct) p.ct.secmark = label;
              return R_CONT;
            };
      }
      case 'secmarkCopy': {
        const { dst, mode } = s;
        return (p) => {
          const ct = p.ct;
          if (!ct) return iptables ? R_CONT : R_BREAK;
          if (mode === 'copy') {
            if (dst === 'ct') ct.secmark = p.secmark;
            else p.secmark = ct.secmark;
          } else if (dst === 'ct') {
            // CONNSECMARK --save never overwrites a labelled connection.
            if (p.secmark !== null && ct.secmark === null) ct.secmark = p.secmark;
          } else if (p.secmark === null && ct.secmark !== null) p.secmark = ct.secmark;
          return R_CONT;
        };
      }
      case 'counter':
      case 'log':
        return () => R_CONT;
      case 'nat':
        return natStatement(s);
      case 'verdict':
        return this.verdict(s.verdict, at);
      case 'opaque': {
        if (isNotrack(s))
          return (p) => {
            p.untracked = true;
            return R_CONT;
          };
        const note = s.writesMark
          ? `not modelled, may change marks: ${s.text}`
          : `not modelled (no effect assumed): ${s.text}`;
        return (p) => {
          p.unknown++;
          p.note = note;
          return R_CONT;
        };
      }
    }
  }

  private valueMap(
    map:
      | { kind: 'elements'; entries: readonly { key: Range; value: number }[] }
      | { kind: 'mapRef'; name: string },
    at: string,
  ) {
    const entries =
      map.kind === 'elements'
        ? map.entries
        : this.set(map.name, at).elements.flatMap((e) =>
            e.kind === 'range' && typeof e.value === 'number' ? [{ key: e.range, value: e.value }] : [],
          );
    return (k: number): number | undefined => {
      for (const e of entries) if (k >= e.key[0] && k <= e.key[1]) return e.value;
      return undefined;
    };
  }
}

function isMatch(e: { kind: string; role?: string }): e is Match {
  return isModelledMatch(e) || (e.kind === 'opaque' && e.role === 'match');
}

function addrSetFamily(s: AddrSet): 0 | 4 | 6 {
  if (s.kind === 'cidrs') return s.cidrs[0]?.family ?? 0;
  if (s.kind === 'addrRanges') return s.family;
  return 0;
}

export const isNatChain = (table: Table, chain: Chain): boolean =>
  chain.base?.type === 'nat' || (table.origin === 'iptables' && table.name === 'nat');
