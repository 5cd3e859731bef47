import type { Cidr, IpRule, Route } from '../ir/types';
import { type Addr, type AddrTest, cidrTest, formatCidr } from './address';
import { RouteCache } from './route-cache';

/** The flow a route lookup is made for (the kernel's flowi). */
export interface RouteQuery {
  readonly family: 4 | 6;
  readonly saddr: Addr;
  readonly daddr: Addr;
  readonly mark: number;
  /** Input interface; locally generated lookups use `lo`, as the kernel's flowi does. */
  readonly iif: string;
  /** Output interface the socket is bound to, or '' when none. */
  readonly oif: string;
}

export type RouteResult =
  | 'local'
  | 'forward'
  | 'output'
  | 'blackhole'
  | 'unreachable'
  | 'prohibit'
  | 'no-route';

const NO_ROUTE: RouteDecision = Object.freeze({
  result: 'no-route',
  rule: null,
  table: null,
  route: null,
  oif: null,
});

export interface RouteDecision {
  readonly result: RouteResult;
  readonly rule: { readonly priority: number; readonly text: string } | null;
  readonly table: string | null;
  readonly route: string | null;
  readonly oif: string | null;
}

interface CompiledRoute {
  readonly route: Route;
  readonly test: AddrTest;
  readonly prefix: number;
  readonly metric: number;
  readonly text: string;
}

interface CompiledIpRule {
  readonly rule: IpRule;
  readonly from: AddrTest | null;
  readonly to: AddrTest | null;
  readonly text: string;
  readonly ref: { readonly priority: number; readonly text: string };
  /** Decisions this rule gave, by route and by locally generated or not: made once, shared by packets. */
  readonly decided: [Map<CompiledRoute, RouteDecision>, Map<CompiledRoute, RouteDecision>];
}

const TABLE_ALIASES: Readonly<Record<string, string>> = { '255': 'local', '254': 'main', '253': 'default' };

/** `255` and `local` are the same table; names are kept as iproute2 prints them. */
export const tableName = (t: string): string => TABLE_ALIASES[t] ?? t;

function defaultRules(family: 4 | 6): IpRule[] {
  const rule = (priority: number, table: string): IpRule => ({
    family,
    priority,
    not: false,
    action: { kind: 'table', table },
  });
  return family === 4
    ? [rule(0, 'local'), rule(32766, 'main'), rule(32767, 'default')]
    : [rule(0, 'local'), rule(32766, 'main')];
}

export function ipRuleText(r: IpRule): string {
  const parts = [`${r.priority}:`];
  if (r.not) parts.push('not');
  parts.push('from', r.from ? formatCidr(r.from) : 'all');
  if (r.to) parts.push('to', formatCidr(r.to));
  if (r.fwmark) {
    parts.push(
      'fwmark',
      `0x${r.fwmark.value.toString(16)}${r.fwmark.mask === 0xffffffff ? '' : `/0x${r.fwmark.mask.toString(16)}`}`,
    );
  }
  if (r.iif) parts.push('iif', r.iif);
  if (r.oif) parts.push('oif', r.oif);
  const a = r.action;
  if (a.kind === 'table') parts.push('lookup', tableName(a.table));
  else if (a.kind === 'goto') parts.push('goto', String(a.priority));
  else parts.push(a.kind);
  if (r.suppressPrefixlength !== undefined)
    parts.push('suppress_prefixlength', String(r.suppressPrefixlength));
  return parts.join(' ');
}

function routeText(r: Route): string {
  const parts: string[] = r.type === 'unicast' ? [] : [r.type];
  parts.push(r.dst.prefix === 0 ? 'default' : formatCidr(r.dst));
  if (r.gateway) parts.push('via', r.gateway);
  if (r.dev) parts.push('dev', r.dev);
  parts.push('table', tableName(r.table));
  return parts.join(' ');
}

const hostCidr = (address: string, family: 4 | 6): Cidr => ({
  family,
  address,
  prefix: family === 4 ? 32 : 128,
});

/**
 * Policy routing as the kernel does it (fib_rules_lookup then fib_table_lookup): rules by priority, each with
 * its selectors; a table lookup takes the longest prefix, lowest metric; `throw`, a miss, or a suppressed result
 * fall through to the next rule.
 */
export class Router {
  private readonly rules: { 4: CompiledIpRule[]; 6: CompiledIpRule[] };
  private readonly tables = new Map<string, CompiledRoute[]>();
  /** True when no routes were given: routing is then unknown and reported as such. */
  readonly unknown: boolean;

  constructor(ipRules: readonly IpRule[], routes: readonly Route[]) {
    this.unknown = routes.length === 0;
    const compileRules = (family: 4 | 6): CompiledIpRule[] => {
      const given = ipRules.filter((r) => r.family === family);
      // A full listing (`ip rule show`) always looks up the local table somewhere; without such a rule the given
      // rules are additions (a compiled policy), made on top of the kernel's default rules.
      const full = given.some((r) => r.action.kind === 'table' && tableName(r.action.table) === 'local');
      const taken = new Set(given.map((r) => r.priority));
      const list = full ? given : [...given, ...defaultRules(family).filter((d) => !taken.has(d.priority))];
      return [...list]
        .sort((a, b) => a.priority - b.priority)
        .map((rule) => {
          const text = ipRuleText(rule);
          return {
            rule,
            from: rule.from && rule.from.prefix > 0 ? cidrTest(rule.from) : null,
            to: rule.to && rule.to.prefix > 0 ? cidrTest(rule.to) : null,
            text,
            ref: { priority: rule.priority, text },
            decided: [new Map(), new Map()],
          };
        });
    };
    this.rules = { 4: compileRules(4), 6: compileRules(6) };
    const all = [...routes];
    if (!routes.some((r) => tableName(r.table) === 'local')) {
      // Without the local table, the box's own addresses are known only as the routes' preferred sources.
      const seen = new Set<string>();
      for (const r of routes) {
        if (!r.prefsrc || seen.has(r.prefsrc)) continue;
        seen.add(r.prefsrc);
        all.push({
          family: r.family,
          table: 'local',
          type: 'local',
          dst: hostCidr(r.prefsrc, r.family),
          dev: r.dev,
        });
      }
    }
    for (const route of all) {
      const name = tableName(route.table);
      const list = this.tables.get(name) ?? [];
      list.push({
        route,
        test: cidrTest(route.dst),
        prefix: route.dst.prefix,
        metric: route.metric ?? 0,
        text: routeText(route),
      });
      this.tables.set(name, list);
    }
    // Longest prefix first, then lowest metric: the first route that contains the address is the one taken.
    for (const list of this.tables.values()) list.sort((a, b) => b.prefix - a.prefix || a.metric - b.metric);
  }

  /** True when the address is one of the box's own (a local-table route of type local). */
  isLocal(a: Addr): boolean {
    for (const r of this.tables.get('local') ?? []) if (r.route.type === 'local' && r.test(a)) return true;
    return false;
  }

  private lookupTable(name: string, q: RouteQuery): CompiledRoute | null {
    const list = this.tables.get(name);
    if (list === undefined) return null;
    for (let i = 0; i < list.length; i++) {
      const r = list[i]!;
      if (r.route.family === q.family && r.test(q.daddr)) return r;
    }
    return null;
  }

  private ruleMatches(c: CompiledIpRule, q: RouteQuery): boolean {
    const r = c.rule;
    let ok =
      (!r.iif || r.iif === q.iif) &&
      (!r.oif || r.oif === q.oif) &&
      (!c.from || c.from(q.saddr)) &&
      (!c.to || c.to(q.daddr)) &&
      (!r.fwmark || ((r.fwmark.value ^ q.mark) & r.fwmark.mask) === 0);
    if (r.not) ok = !ok;
    return ok;
  }

  private readonly cache = new RouteCache();

  decide(q: RouteQuery, local: boolean): RouteDecision {
    return this.decideFor(q.family, q.saddr, q.daddr, q.mark, q.iif, q.oif, local);
  }

  /** `decide` with the query's fields as arguments: a cached decision costs no allocation. */
  decideFor(
    family: 4 | 6,
    saddr: Addr,
    daddr: Addr,
    mark: number,
    iif: string,
    oif: string,
    local: boolean,
  ): RouteDecision {
    if (daddr.family !== 4 || saddr.family !== 4) {
      return this.lookup({ family, saddr, daddr, mark, iif, oif }, local);
    }
    const hit = this.cache.get(saddr.v, daddr.v, mark, iif, oif, local);
    if (hit !== null) return hit;
    const d = this.lookup({ family, saddr, daddr, mark, iif, oif }, local);
    this.cache.set(saddr.v, daddr.v, mark, iif, oif, local, d);
    return d;
  }

  private lookup(q: RouteQuery, local: boolean): RouteDecision {
    const rules = this.rules[q.family];
    for (let i = 0; i < rules.length; i++) {
      const c = rules[i]!;
      if (!this.ruleMatches(c, q)) continue;
      const ruleRef = c.ref;
      const a = c.rule.action;
      if (a.kind === 'nop') continue;
      if (a.kind === 'goto') {
        const target = rules.findIndex((x) => x.rule.priority === a.priority);
        // An unresolved goto (no rule at that priority) is skipped, as the kernel does.
        if (target > i) i = target - 1;
        continue;
      }
      if (a.kind !== 'table') return { result: a.kind, rule: ruleRef, table: null, route: null, oif: null };
      const table = tableName(a.table);
      const hit = this.lookupTable(table, q);
      if (!hit || hit.route.type === 'throw') continue;
      if (c.rule.suppressPrefixlength !== undefined && hit.prefix <= c.rule.suppressPrefixlength) continue;
      const cache = c.decided[local ? 1 : 0];
      let d = cache.get(hit);
      if (d === undefined) {
        d = this.tableDecision(ruleRef, table, hit, local);
        cache.set(hit, d);
      }
      return d;
    }
    return NO_ROUTE;
  }

  private tableDecision(
    ruleRef: RouteDecision['rule'],
    table: string,
    hit: CompiledRoute,
    local: boolean,
  ): RouteDecision {
    const t = hit.route.type;
    if (t === 'blackhole' || t === 'unreachable' || t === 'prohibit') {
      return { result: t, rule: ruleRef, table, route: hit.text, oif: null };
    }
    if (t === 'local' || t === 'broadcast' || t === 'multicast' || t === 'anycast') {
      return { result: 'local', rule: ruleRef, table, route: hit.text, oif: local ? 'lo' : null };
    }
    return {
      result: local ? 'output' : 'forward',
      rule: ruleRef,
      table,
      route: hit.text,
      oif: hit.route.dev ?? null,
    };
  }
}
