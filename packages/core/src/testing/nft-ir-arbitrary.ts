import fc from 'fast-check';
import { shiftBy } from '../bits/algebra';
import type { MarkWrite } from '../bits/algebra-types';
import { printWriteValue } from '../bits/nft-ops';
import type {
  Chain,
  CtState,
  Match,
  NamedSet,
  Range,
  Rule,
  RuleExpr,
  Ruleset,
  Statement,
  Table,
} from '../ir/types';
import { applyPayloadDependencies } from '../lang/nft/dependencies';
import { elementRank } from '../lang/nft/rhs';
import { parseNftRuleBody } from '../lang/nft/rule';

// Random IR in canonical form (what the parsers produce), for parse(emit(ir)) = ir properties.

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const space = fc.constantFrom('meta' as const, 'ct' as const);
const ident = fc.stringMatching(/^[a-z][a-z0-9_]{0,7}$/).filter((s) => !RESERVED.has(s));
const RESERVED = new Set([
  'ip',
  'ip6',
  'inet',
  'meta',
  'ct',
  'mark',
  'tcp',
  'udp',
  'th',
  'counter',
  'accept',
  'drop',
  'jump',
  'goto',
  'return',
  'queue',
  'log',
  'reject',
  'continue',
  'set',
  'map',
  'vmap',
  'comment',
  'table',
  'chain',
  'type',
  'flags',
  'elements',
  'policy',
  'priority',
  'hook',
  'device',
  'typeof',
  'secmark',
  'define',
  'include',
  'flush',
  'add',
  'to',
  'with',
  'and',
  'or',
  'xor',
  'snat',
  'dnat',
  'masquerade',
  'redirect',
  'notrack',
  'limit',
  'quota',
  'dup',
  'fwd',
  'fib',
  'socket',
  'osf',
  'numgen',
  'jhash',
  'symhash',
  'iif',
  'oif',
  'iifname',
  'oifname',
  'counter',
  'ether',
  'vlan',
  'arp',
  'icmp',
  'icmpv6',
  'sctp',
  'dccp',
  'ah',
  'esp',
  'comp',
  'rt',
  'frag',
  'dst',
  'hbh',
  'mh',
  'exthdr',
  'tunnel',
  'igmp',
  'udplite',
  'name',
  'packets',
  'bytes',
  'prefix',
  'group',
  'num',
  'bypass',
  'update',
  'delete',
  'xt',
  'last',
  'synproxy',
  'flow',
  'tproxy',
  'level',
]);

/** Sorted, disjoint, non-adjacent ranges (nft refuses overlapping intervals and lists them sorted). */
const ranges = (max: number, maxLength = 3): fc.Arbitrary<Range[]> =>
  fc
    .uniqueArray(fc.integer({ min: 0, max }), { minLength: 1, maxLength: maxLength * 2 })
    .chain((points) =>
      fc
        .array(fc.boolean(), { minLength: points.length, maxLength: points.length })
        .map((single) => ({ points, single })),
    )
    .map(({ points, single }) => {
      const sorted = [...points].sort((a, b) => a - b);
      const out: Range[] = [];
      let i = 0;
      while (i < sorted.length) {
        const lo = sorted[i]!;
        const hi = !single[i] && i + 1 < sorted.length ? sorted[i + 1]! : lo;
        const prev = out[out.length - 1];
        if (!prev || lo > prev[1] + 1) out.push([lo, hi]);
        i += hi === lo ? 1 : 2;
      }
      return out.slice(0, maxLength);
    });

/** A write as the parser returns it for its own canonical text. */
function canonicalWrite(w: MarkWrite): MarkWrite {
  const e = parseNftRuleBody(`${w.dst} mark set ${printWriteValue(w)}`).exprs[0];
  if (e?.kind !== 'markWrite') throw new Error('not a write');
  return e.write;
}

export const markWriteArb = (oneRegister: boolean): fc.Arbitrary<MarkWrite> =>
  fc
    .record({
      dst: space,
      keep: u32,
      xor: u32,
      src: fc.option(fc.record({ space, take: u32, shift: fc.integer({ min: -31, max: 31 }) }), {
        nil: null,
      }),
    })
    .map((w) => (oneRegister && w.src ? { ...w, keep: 0 } : w))
    .map(canonicalWrite);

const markKey = fc
  .record({ space, mask: u32, shift: fc.constantFrom(0, 0, 0, 8, -8, -16) })
  .map((k) => ({ ...k, mask: (k.mask & shiftBy(0xffffffff, -k.shift)) >>> 0 }));

const cidr4 = fc
  .record({
    a: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 }),
    prefix: fc.integer({ min: 8, max: 32 }),
  })
  .map(({ a, prefix }) => {
    const n = ((a[0]! << 24) | (a[1]! << 16) | (a[2]! << 8) | a[3]!) >>> 0;
    const masked = (n & (prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0)) >>> 0;
    return { family: 4 as const, address: [24, 16, 8, 0].map((s) => (masked >>> s) & 255).join('.'), prefix };
  });

const matchArb = (oneRegister: boolean): fc.Arbitrary<Match> =>
  fc.oneof(
    fc.record({
      kind: fc.constant('mark' as const),
      key: markKey.filter((k) => !oneRegister || k.shift === 0),
      values: fc.oneof(
        ranges(0xffffffff).map((r) => ({ kind: 'ranges' as const, ranges: r })),
        ident.map((name) => ({ kind: 'setRef' as const, name })),
      ),
      invert: fc.boolean(),
    }),
    fc.record({
      kind: fc.constant('iface' as const),
      dir: fc.constantFrom('in' as const, 'out' as const),
      names: fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/), { minLength: 1, maxLength: 3 }),
      invert: fc.boolean(),
    }),
    fc.record({
      kind: fc.constant('l4proto' as const),
      protos: fc.uniqueArray(fc.constantFrom(6, 17, 1, 132), { minLength: 1, maxLength: 3 }),
      invert: fc.boolean(),
    }),
    fc.record({
      kind: fc.constant('addr' as const),
      dir: fc.constantFrom('src' as const, 'dst' as const),
      set: fc
        .array(cidr4, { minLength: 1, maxLength: 3 })
        .map((cidrs) => ({ kind: 'cidrs' as const, cidrs })),
      invert: fc.boolean(),
    }),
    fc.record({
      kind: fc.constant('port' as const),
      dir: fc.constantFrom('src' as const, 'dst' as const),
      proto: fc.constantFrom(6, 17, null),
      values: ranges(65535).map((r) => ({ kind: 'ranges' as const, ranges: r })),
      invert: fc.boolean(),
    }),
    fc.record({
      kind: fc.constant('ctstate' as const),
      states: fc.uniqueArray(
        fc.constantFrom<CtState>('new', 'established', 'related', 'invalid', 'untracked'),
        {
          minLength: 1,
          maxLength: 3,
        },
      ),
      invert: fc.boolean(),
    }),
    fc.record({
      kind: fc.constant('ctdirection' as const),
      direction: fc.constantFrom('original' as const, 'reply' as const),
      invert: fc.boolean(),
    }),
  );

const statementArb = (oneRegister: boolean): fc.Arbitrary<Statement> =>
  fc.oneof(
    markWriteArb(oneRegister).map((write) => ({ kind: 'markWrite' as const, write })),
    fc.record({
      kind: fc.constant('markMap' as const),
      dst: space,
      key: fc.constant({ kind: 'port' as const, dir: 'dst' as const, proto: 6 }),
      map: fc.tuple(ranges(65535), fc.array(u32, { minLength: 3, maxLength: 3 })).map(([keys, values]) => ({
        kind: 'elements' as const,
        entries: keys.map((key, i) => ({ key, value: values[i] ?? 0 })),
      })),
    }),
    fc.constant({ kind: 'counter' as const }),
    fc.constant({ kind: 'secmarkCopy' as const, dst: 'ct' as const, mode: 'copy' as const }),
    fc.record({ kind: fc.constant('log' as const), prefix: fc.stringMatching(/^[a-z ]{1,8}$/) }),
  );

const verdictArb = (chains: readonly string[]): fc.Arbitrary<Statement> =>
  fc.oneof(
    fc.constantFrom('accept' as const, 'drop' as const, 'return' as const).map((k) => ({
      kind: 'verdict' as const,
      verdict: { kind: k },
    })),
    ...(chains.length
      ? [
          fc
            .constantFrom(...chains)
            .map((target) => ({ kind: 'verdict' as const, verdict: { kind: 'jump' as const, target } })),
        ]
      : []),
  );

const ruleArb = (oneRegister: boolean, chains: readonly string[]): fc.Arbitrary<Rule> =>
  fc
    .record({
      exprs: fc.array(fc.oneof(matchArb(oneRegister), statementArb(oneRegister)) as fc.Arbitrary<RuleExpr>, {
        minLength: 1,
        maxLength: 4,
      }),
      verdict: fc.option(verdictArb(chains), { nil: undefined }),
      comment: fc.option(fc.stringMatching(/^[a-z0-9 ]{1,10}$/), { nil: undefined }),
    })
    .map(({ exprs, verdict, comment }) => ({
      exprs: verdict ? [...exprs, verdict] : exprs,
      ...(comment !== undefined ? { comment } : {}),
    }));

const markSet = (name: string): fc.Arbitrary<NamedSet> =>
  ranges(0xffffffff, 4).map((rs) => ({
    name,
    type: 'mark',
    isMap: false,
    flags: ['interval'],
    elements: rs.map((r) => ({ kind: 'range' as const, range: r })),
  }));

/** A whole ruleset. `oneRegister` keeps to what nft 1.0.6 and older kernels load. */
export function rulesetArb(oneRegister: boolean): fc.Arbitrary<Ruleset> {
  const table = fc
    .record({
      family: fc.constantFrom('ip' as const, 'ip6' as const, 'inet' as const),
      name: ident,
      chainNames: fc.uniqueArray(ident, { minLength: 1, maxLength: 3 }),
      hook: fc.constantFrom(
        'prerouting' as const,
        'input' as const,
        'output' as const,
        'postrouting' as const,
      ),
      priority: fc.constantFrom(-150, 0, -300, 7, 100),
    })
    .chain(({ family, name, chainNames, hook, priority }) =>
      fc
        .record({
          // A chain jumps only to chains after it: nft refuses loops.
          rules: fc.tuple(
            ...chainNames.map((_, i) =>
              fc.array(ruleArb(oneRegister, chainNames.slice(i + 1)), { maxLength: 3 }),
            ),
          ),
          set: markSet(`s_${name}`),
        })
        .map(({ rules, set }): Table => {
          const chains: Chain[] = chainNames.map((c, i) => ({
            name: c,
            ...(i === 0
              ? { base: { type: 'filter' as const, hook, priority, policy: 'accept' as const } }
              : {}),
            rules: rules[i]!.map((r) => withSetRefs(r, set.name, family)),
          }));
          return { family, name, origin: 'nft', chains, sets: [set], secmarks: [] };
        }),
    );
  return fc
    .uniqueArray(table, { minLength: 1, maxLength: 2, selector: (t) => `${t.family} ${t.name}` })
    .map((tables) => ({ tables }));
}

const byRank = (f: (x: string) => string) => (a: string, b: string) => {
  const ra = elementRank(f(a))!;
  const rb = elementRank(f(b))!;
  return ra < rb ? -1 : ra > rb ? 1 : 0;
};

/** Elements in the order nft lists them. */
function nftOrdered(e: RuleExpr): RuleExpr {
  if (e.kind === 'iface') return { ...e, names: [...e.names].sort(byRank((n) => `"${n}"`)) };
  if (e.kind === 'l4proto') return { ...e, protos: [...e.protos].sort((a, b) => a - b) };
  if (e.kind === 'ctstate') return { ...e, states: [...e.states].sort(byRank((s) => s)) };
  if (e.kind === 'addr' && e.set.kind === 'cidrs') {
    return {
      ...e,
      set: { ...e.set, cidrs: [...e.set.cidrs].sort((a, b) => byRank((x) => x)(a.address, b.address)) },
    };
  }
  return e;
}

/** The transport protocol a port match or port-keyed map needs, if any. */
function transportOf(e: RuleExpr): number | null {
  if (e.kind === 'port') return e.proto;
  if (e.kind === 'markMap' && e.key.kind === 'port') return e.key.proto;
  return null;
}

/** Drop matches that contradict the rule's first transport protocol (nft refuses conflicting protocols). */
function oneTransport(exprs: readonly RuleExpr[]): RuleExpr[] {
  const proto = exprs.map(transportOf).find((p) => p !== null);
  if (proto === undefined || proto === null) return [...exprs];
  return exprs.filter((e) => {
    const p = transportOf(e);
    if (p !== null && p !== proto) return false;
    return !(e.kind === 'l4proto' && (e.invert || e.protos.length !== 1 || e.protos[0] !== proto));
  });
}

/** Point every set reference at the table's own mark set; ip6 tables cannot match IPv4 addresses. */
function withSetRefs(rule: Rule, setName: string, family: string): Rule {
  const exprs = rule.exprs
    .filter((e) => !(family === 'ip6' && e.kind === 'addr'))
    .map((e) =>
      e.kind === 'mark' && e.values.kind === 'setRef'
        ? { ...e, values: { kind: 'setRef' as const, name: setName } }
        : e,
    );
  const sorted = oneTransport(exprs).map(nftOrdered);
  const kept = applyPayloadDependencies(sorted).exprs;
  return { ...rule, exprs: kept.length ? kept : [{ kind: 'counter' }] };
}
