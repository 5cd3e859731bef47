import type { MarkwrightDocument } from '../document/types';
import type { IpRule, Route } from '../ir/types';
import type { LintFinding, PacketSpec } from '../reports/types';
import { type Addr, cidrTest, tryParseAddr } from '../simulate/address';
import { ipRuleText, tableName } from '../simulate/routing';
import { cidrText } from './addresses';
import { describe, type Flow, lastRoute } from './run-flows';

// Routing findings from the flows: packets that go the wrong way, tables a binding looks up that lack a route.

/** The document path of the route binding an ip rule of ours came from (bindings are keyed by priority). */
export function bindingPath(doc: MarkwrightDocument, priority: number): string | null {
  const j = doc.policy.routes.findIndex((r) => r.priority === priority);
  return j < 0 ? null : `policy.routes[${j}]`;
}

/** The ip rule selectors (not the action) against a lookup, as the kernel's fib rules match a flow. */
export function ipRuleSelects(
  r: IpRule,
  q: { saddr: Addr; daddr: Addr; mark: number; iif: string; oif: string },
): boolean {
  if (r.family !== q.daddr.family) return false;
  const ok =
    (!r.iif || r.iif === q.iif) &&
    (!r.oif || r.oif === q.oif) &&
    (!r.from || r.from.prefix === 0 || cidrTest(r.from)(q.saddr)) &&
    (!r.to || r.to.prefix === 0 || cidrTest(r.to)(q.daddr)) &&
    (!r.fwmark || ((r.fwmark.value ^ q.mark) & r.fwmark.mask) === 0);
  return r.not ? !ok : ok;
}

/** The lookup a packet made at its last route step, or null when it was not routed. */
export function queryOf(spec: PacketSpec, flowMark: number) {
  const saddr = tryParseAddr(spec.saddr);
  const daddr = tryParseAddr(spec.daddr);
  if (!saddr || !daddr) return null;
  return { saddr, daddr, mark: flowMark, iif: spec.iif ?? 'lo', oif: '' };
}

/** A reply or later packet the simulator flagged as going the wrong way. */
export function replyPathFindings(doc: MarkwrightDocument, flows: readonly Flow[]): LintFinding[] {
  const out: LintFinding[] = [];
  for (const flow of flows) {
    for (const p of flow.packets) {
      const flag = p.result.flags?.[0];
      if (!flag) continue;
      const route = lastRoute(p.result);
      const by = route?.rule
        ? ` (ip rule ${route.rule.text}${route.table ? `, table ${route.table}` : ''}${bindingNote(doc, route.rule.priority)})`
        : '';
      out.push({
        code: 'reply-path',
        severity: 'error',
        path: flow.path,
        message: `"${flow.rule.name}": ${flag.message}${by}; ${p.role} packet ${describe(p.spec)}`,
      });
      break;
    }
  }
  return out;
}

function bindingNote(doc: MarkwrightDocument, priority: number): string {
  const path = bindingPath(doc, priority);
  return path ? ` from ${path}` : '';
}

/**
 * Tables our ip rules send a flow's packets to that have no route for them: no route to the destination (the
 * packet falls through to later rules), or no route back to the source's subnet (replies take the default).
 */
export function tableFindings(
  doc: MarkwrightDocument,
  flows: readonly Flow[],
  ours: readonly IpRule[],
  routes: readonly Route[],
): LintFinding[] {
  const out = new Map<string, LintFinding>();
  const tableRoutes = (table: string, family: 4 | 6) =>
    routes.filter((r) => tableName(r.table) === table && r.family === family);
  const best = (table: string, a: Addr) =>
    tableRoutes(table, a.family)
      .filter((r) => cidrTest(r.dst)(a))
      .sort((x, y) => y.dst.prefix - x.dst.prefix)[0];
  for (const flow of flows) {
    for (const p of flow.packets) {
      const route = lastRoute(p.result);
      const q = route ? queryOf(p.spec, route.mark) : null;
      if (!q) continue;
      for (const rule of ours) {
        if (rule.action.kind !== 'table' || !ipRuleSelects(rule, q)) continue;
        const table = tableName(rule.action.table);
        const path = bindingPath(doc, rule.priority) ?? 'policy.routes';
        const key = `${path} ${table} ${p.role === 'reply' ? 'back' : 'to'}`;
        if (out.has(key)) continue;
        const hit = best(table, q.daddr);
        if (!hit) {
          const what = p.role === 'reply' ? `the reply's destination ${p.spec.daddr}` : p.spec.daddr;
          out.set(key, {
            code: 'table-incomplete',
            severity: 'error',
            path,
            message: `table ${table} has no route to ${what} (no default route), so "${flow.rule.name}" packets ${rule.not ? '' : `marked for it `}fall through to the next ip rule; give the table a default route`,
          });
          continue;
        }
        if (p.role === 'reply' && hit.dst.prefix === 0) {
          const subnet = connectedFor(routes, q.daddr);
          if (!subnet) continue;
          out.set(key, {
            code: 'table-incomplete',
            severity: 'error',
            path,
            message: `table ${table} has no route for ${cidrText(subnet.dst)} (the connected route of ${subnet.dev}, where "${flow.rule.name}" traffic comes from): replies looked up there take its default route via ${hit.dev ?? hit.gateway}; copy the connected route into the table, or bind by iif`,
          });
        }
      }
    }
  }
  return [...out.values()];
}

function connectedFor(routes: readonly Route[], a: Addr): Route | undefined {
  return routes.find(
    (r) =>
      tableName(r.table) === 'main' &&
      r.family === a.family &&
      r.dev !== undefined &&
      !r.gateway &&
      r.dst.prefix > 0 &&
      cidrTest(r.dst)(a),
  );
}

/** Our ip rules no flow's lookup reaches: an earlier rule decided every lookup they select. */
export function hiddenIpRuleFindings(
  doc: MarkwrightDocument,
  flows: readonly Flow[],
  ours: readonly IpRule[],
): LintFinding[] {
  const out: LintFinding[] = [];
  const seen = new Set<string>();
  for (const rule of ours) {
    const path = bindingPath(doc, rule.priority);
    if (!path || seen.has(path) || rule.action.kind !== 'table') continue;
    let selected = 0;
    let decidedHere = 0;
    let hider: { priority: number; text: string } | null = null;
    for (const flow of flows) {
      for (const p of flow.packets) {
        const route = lastRoute(p.result);
        const q = route ? queryOf(p.spec, route.mark) : null;
        if (!q || !route || !ipRuleSelects(rule, q)) continue;
        selected++;
        if (route.rule?.priority === rule.priority) decidedHere++;
        else if (route.rule && route.rule.priority < rule.priority && route.rule.priority !== 0)
          hider = route.rule;
      }
    }
    if (selected > 0 && decidedHere === 0 && hider) {
      seen.add(path);
      out.push({
        code: 'shadowed-rule',
        severity: 'warning',
        path,
        message: `ip rule ${ipRuleText(rule)} never decides: the earlier ip rule ${hider.text} takes every packet it selects`,
      });
    }
  }
  return out;
}
