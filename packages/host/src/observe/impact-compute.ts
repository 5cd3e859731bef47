import type {
  BoxConfig,
  ImpactChange,
  ImpactGroup,
  ImpactOutcome,
  ImpactReport,
  PacketResult,
  PacketSpec,
} from '@markwright/core';
import { PACKET_PROTOCOLS } from '@markwright/core/net';
import {
  type Addr,
  Conntrack,
  type SimPacket,
  Simulator,
  toSimPacket,
  tryParseAddr,
} from '@markwright/core/simulate';
import type { LiveConnection } from './conntrack-list';

// What a change does to the connections running now: each connection's next packet (original direction) goes
// through the box as it is and through the box with the document applied, both with the connection's live ct mark
// and state, and the outcomes are compared.

/** Where each source's packets come in, per family: a live listing has many connections per client. */
interface IngressCache {
  readonly 4: Map<number, string | null>;
  readonly 6: Map<bigint, string | null>;
}

/** The interface a connection's packets come in on: where the box routes its source (null: sent by the box). */
function ingress(sim: Simulator, saddr: Addr, cache: IngressCache): string | null {
  const byAddr = cache[saddr.family] as Map<number | bigint, string | null>;
  const hit = byAddr.get(saddr.v);
  if (hit !== undefined) return hit;
  let iif: string | null = null;
  if (!sim.router.isLocal(saddr)) {
    const any: Addr = saddr.family === 4 ? { family: 4, v: 0 } : { family: 6, v: 0n };
    const d = sim.router.decide(
      { family: saddr.family, saddr: any, daddr: saddr, mark: 0, iif: 'lo', oif: '' },
      true,
    );
    iif = d.oif ?? null;
  }
  byAddr.set(saddr.v, iif);
  return iif;
}

function outcome(r: PacketResult): ImpactOutcome {
  const routed = r.destination === 'local' || r.oif !== null;
  return {
    mark: r.mark,
    ctmark: r.ctmark,
    table: r.table,
    oif: r.oif,
    class: r.classid ?? null,
    verdict: r.verdict === 'drop' ? 'drop' : routed ? 'accept' : 'no-route',
  };
}

const same = (a: ImpactOutcome, b: ImpactOutcome) =>
  a.mark === b.mark &&
  a.ctmark === b.ctmark &&
  a.table === b.table &&
  a.oif === b.oif &&
  a.class === b.class &&
  a.verdict === b.verdict;

interface Prepared {
  readonly c: LiveConnection;
  readonly spec: PacketSpec;
  readonly sp: SimPacket;
}

/** The next packet of each connection as the simulator takes it; connections it cannot model are left out. */
function prepare(sim: Simulator, connections: readonly LiveConnection[]): Prepared[] {
  const cache: IngressCache = { 4: new Map(), 6: new Map() };
  const out: Prepared[] = [];
  for (const c of connections) {
    const saddr = tryParseAddr(c.saddr);
    if (!saddr || saddr.family !== c.family) continue;
    // One shape for every connection (an absent key and an undefined one read the same).
    const spec: PacketSpec = {
      iif: ingress(sim, saddr, cache) ?? undefined,
      saddr: c.saddr,
      daddr: c.daddr,
      proto: Object.hasOwn(PACKET_PROTOCOLS, c.proto) ? (c.proto as PacketSpec['proto']) : c.protoNumber,
      sport: c.sport ?? undefined,
      dport: c.dport ?? undefined,
    };
    try {
      out.push({ c, spec, sp: toSimPacket(spec) });
    } catch {
      // A connection the simulator cannot express (odd protocol, scoped address) is not guessed at.
    }
  }
  return out;
}

function seeded(prepared: readonly Prepared[]): Conntrack {
  const ct = new Conntrack();
  for (const { c, sp } of prepared) {
    const real = c.replySaddr && c.replySaddr !== c.daddr ? tryParseAddr(c.replySaddr) : null;
    ct.seed(sp, c.mark, c.replied, real ? { daddr: real, dport: null } : null);
  }
  return ct;
}

/** The document's rule that changed the packet's marks (its comment is the policy rule's name). */
function ruleBehind(sim: Simulator, p: Prepared, ownedTable: string): string | null {
  const ct = seeded([p]);
  const r = sim.packet(p.sp, ct, true);
  let name: string | null = null;
  for (const s of r.steps) {
    if (s.kind !== 'rule' || !s.matched || s.table !== ownedTable) continue;
    if (s.markAfter === s.markBefore && s.ctmarkAfter === s.ctmarkBefore) continue;
    const comment = /comment "([^"]*)"/.exec(s.rule)?.[1];
    if (comment && !comment.startsWith('markwright:')) name = comment;
  }
  return name;
}

function groupsOf(changed: readonly ImpactChange[]): ImpactGroup[] {
  const by = new Map<string | null, ImpactChange[]>();
  for (const c of changed) {
    const list = by.get(c.rule);
    if (list) list.push(c);
    else by.set(c.rule, [c]);
  }
  return [...by].map(([rule, list]) => {
    const moves = new Set(list.map((c) => `${c.before.oif ?? 'none'} to ${c.after.oif ?? 'none'}`));
    const what = rule === null ? 'the change' : `rule '${rule}'`;
    const n = `${list.length} connection${list.length === 1 ? '' : 's'}`;
    const summary =
      moves.size === 1 && list[0]!.before.oif !== list[0]!.after.oif
        ? `${what} would move ${n} from ${[...moves][0]}`
        : `${what} would change ${n}`;
    return { rule, connections: list.length, summary };
  });
}

/**
 * Compare each connection's next packet through `before` and `after`. Changed connections come back grouped by
 * the document's rule behind the change; connections that would break come first.
 */
export function computeImpact(
  before: BoxConfig,
  after: BoxConfig,
  connections: readonly LiveConnection[],
  ownedTable = 'markwright',
): ImpactReport {
  const simBefore = new Simulator(before);
  const simAfter = new Simulator(after);
  const prepared = prepare(simBefore, connections);
  const ctBefore = seeded(prepared);
  const ctAfter = seeded(prepared);
  const changed: ImpactChange[] = [];
  for (const p of prepared) {
    const b = outcome(simBefore.packet(p.sp, ctBefore, false));
    const a = outcome(simAfter.packet(p.sp, ctAfter, false));
    if (same(a, b)) continue;
    const rule = ruleBehind(simAfter, p, ownedTable) ?? ruleBehind(simBefore, p, ownedTable);
    const c = p.c;
    changed.push({
      flow: {
        family: c.family,
        proto: c.proto,
        saddr: c.saddr,
        daddr: c.daddr,
        sport: c.sport,
        dport: c.dport,
      },
      before: b,
      after: a,
      rule,
      breaks: a.verdict !== 'accept' && b.verdict === 'accept',
      ...(c.zone !== 0 ? { zone: c.zone } : {}),
    });
  }
  changed.sort((x, y) => Number(y.breaks) - Number(x.breaks));
  return { connections: connections.length, changed, groups: groupsOf(changed) };
}
