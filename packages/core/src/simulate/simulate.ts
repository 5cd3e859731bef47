import type { BoxConfig, Hook } from '../ir/types';
import type { PacketResult, PacketSpec, SimulationReport, TraceStep } from '../reports/types';
import { Conntrack, type CtLookup, ctState } from './conntrack';
import { buildHooks, type HookEntry, type HookTable, labelsOf, runBaseChain } from './hooks';
import { type SimPacket, toSimPacket } from './packet';
import { type PacketExit, wrongWay } from './path-check';
import { type RouteDecision, Router } from './routing';
import type { PacketState } from './state';
import { TcEgress } from './tc';

export interface SimulateOptions {
  /** Record the step-by-step trace (default true). `false` is the fast path: results only, `steps` empty. */
  readonly trace?: boolean;
}

export interface SimulatorOptions {
  /** Chains at least this long are classified by a packet key instead of scanned (tests lower it to 1). */
  readonly indexFromRules?: number;
}

const NO_STEPS: readonly TraceStep[] = Object.freeze([]);
/** The route lookup failed: no route, or a blackhole, unreachable or prohibit one. */
const blocked = (r: RouteDecision['result']): boolean =>
  r === 'no-route' || r === 'blackhole' || r === 'unreachable' || r === 'prohibit';
/** Placeholders while no packet runs, so the walk's fields keep one type. */
const NO_PACKET = toSimPacket({ saddr: '0.0.0.0', daddr: '0.0.0.0', proto: 0 });
const NO_CONNTRACK = new Conntrack();

/** A box compiled once (rules into closures, routes into tables), ready to run many packets. */
export class Simulator {
  /** @internal */ readonly hooks: HookTable;
  /** @internal */ readonly router: Router;
  /** @internal */ readonly tc: TcEgress;

  constructor(box: BoxConfig, options: SimulatorOptions = {}) {
    this.hooks = buildHooks(box.ruleset, options.indexFromRules);
    this.router = new Router(box.ipRules, box.routes);
    this.tc = new TcEgress(box.tcFilters);
  }

  /** Run packets in order; they share one conntrack table, as packets of one flow do on a box. */
  run(
    packets: readonly unknown[],
    options: SimulateOptions = {},
    conntrack = new Conntrack(),
  ): SimulationReport {
    const out: PacketResult[] = [];
    for (let i = 0; i < packets.length; i++) {
      out.push(this.packet(toSimPacket(packets[i], `packets[${i}]`), conntrack, options.trace !== false));
    }
    return { packets: out };
  }

  /** The one walk every packet reuses: a packet never runs inside another, so its state is reset, not made. */
  private walk: PacketRun | null = null;

  packet(sp: SimPacket, conntrack: Conntrack, tracing: boolean): PacketResult {
    this.walk ??= new PacketRun(this);
    return this.walk.run(sp, conntrack, tracing ? [] : null);
  }
}

const newState = (): PacketState => ({
  family: 4,
  saddr: { family: 4, v: 0 },
  daddr: { family: 4, v: 0 },
  proto: 0,
  sport: 0,
  dport: 0,
  hasPorts: false,
  iif: '',
  oif: '',
  mark: 0,
  secmark: null,
  ct: null,
  ctDirection: 'original',
  ctState: 'invalid',
  ctFresh: false,
  untracked: false,
  target: null,
  lastVerdict: 0,
  verdictText: null,
  note: null,
  unknown: 0,
  notes: [],
});

/** One packet's walk through the box; `run` starts it afresh for each packet. */
class PacketRun {
  private readonly p: PacketState = newState();
  private sp: SimPacket = NO_PACKET;
  private conntrack: Conntrack = NO_CONNTRACK;
  private trace: TraceStep[] | null = null;
  private hooks: HookTable[4 | 6] = {};
  private lookup: CtLookup | null = null;
  private decision: RouteDecision | null = null;
  private readonly exit: { -readonly [K in keyof PacketExit]: PacketExit[K] } = {
    accepted: false,
    oif: '',
    local: false,
    unroutable: false,
  };

  constructor(private readonly sim: Simulator) {}

  run(sp: SimPacket, conntrack: Conntrack, trace: TraceStep[] | null): PacketResult {
    const p = this.p;
    p.family = sp.family;
    p.saddr = sp.saddr;
    p.daddr = sp.daddr;
    p.proto = sp.proto;
    p.sport = sp.sport;
    p.dport = sp.dport;
    p.hasPorts = sp.hasPorts;
    p.iif = sp.iif ?? '';
    p.oif = '';
    p.mark = sp.mark;
    p.secmark = null;
    p.ct = null;
    p.ctDirection = 'original';
    p.ctState = 'invalid';
    p.ctFresh = false;
    p.untracked = false;
    p.target = null;
    p.lastVerdict = 0;
    p.verdictText = null;
    p.note = null;
    p.unknown = 0;
    if (p.notes.length > 0) p.notes = [];
    this.sp = sp;
    this.conntrack = conntrack;
    this.trace = trace;
    this.hooks = this.sim.hooks[sp.family];
    this.lookup = null;
    this.decision = null;
    try {
      return sp.iif === null ? this.local() : this.incoming();
    } finally {
      // Nothing of this packet is kept once its result is out.
      this.sp = NO_PACKET;
      this.conntrack = NO_CONNTRACK;
      this.trace = null;
      this.lookup = null;
      this.decision = null;
      p.ct = null;
      p.target = null;
    }
  }

  private incoming(): PacketResult {
    if (this.hook(this.hooks.prerouting, 'prerouting', false) === 'drop') return this.finish('drop', null);
    const d = this.route('input', false);
    if (blocked(d.result)) return this.finish('drop', null);
    if (d.result === 'local') {
      if (this.hook(this.hooks.input, 'input', false) === 'drop') return this.finish('drop', 'local');
      this.confirm();
      return this.finish('accept', 'local');
    }
    this.p.oif = d.oif ?? '';
    if (this.hook(this.hooks.forward, 'forward', false) === 'drop') return this.finish('drop', 'forward');
    return this.leave('forward');
  }

  private local(): PacketResult {
    const d = this.route('output', true);
    // A failed output lookup makes sendmsg fail: the packet never reaches the output hook.
    if (blocked(d.result)) return this.finish('drop', null);
    this.p.oif = d.oif ?? '';
    if (this.hook(this.hooks.output, 'output', true) === 'drop') return this.finish('drop', 'output');
    return this.leave(this.decision?.result === 'local' ? 'local' : 'output');
  }

  private leave(destination: 'forward' | 'output' | 'local'): PacketResult {
    if (this.hook(this.hooks.postrouting, 'postrouting', false) === 'drop') {
      return this.finish('drop', destination);
    }
    this.confirm();
    return this.finish('accept', destination);
  }

  /** Run every entry registered at the hook; on output, a mark change in a route chain re-routes. */
  private hook(entries: readonly HookEntry[] | undefined, hook: Hook, rerouting: boolean): 'accept' | 'drop' {
    if (entries === undefined) return 'accept';
    const p = this.p;
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      if (entry.kind === 'conntrack') {
        this.conntrackHook();
        continue;
      }
      if (entry.nat && !(p.ct && p.ctFresh)) continue;
      const mark = p.mark;
      const daddr = p.daddr;
      if (runBaseChain(entry, hook, p, this.trace) === 'drop') return 'drop';
      if (rerouting && entry.reroute && (p.mark !== mark || p.daddr !== daddr)) {
        const d = this.route('reroute', true);
        if (blocked(d.result)) return 'drop';
        p.oif = d.oif ?? '';
      } else if (rerouting && entry.nat && p.daddr !== daddr) {
        // nat OUTPUT re-routes when DNAT changed the destination.
        const d = this.route('reroute', true);
        if (blocked(d.result)) return 'drop';
        p.oif = d.oif ?? '';
      }
    }
    return 'accept';
  }

  private conntrackHook(): void {
    const p = this.p;
    if (p.untracked) {
      p.ct = null;
      p.ctState = 'untracked';
      this.trace?.push({ kind: 'conntrack', state: 'untracked (notrack)', direction: 'original', ctmark: 0 });
      return;
    }
    const l = this.conntrack.lookup(p);
    this.lookup = l;
    p.ct = l.entry;
    p.ctDirection = l.direction;
    p.ctState = ctState(l);
    p.ctFresh = l.fresh;
    if (!l.fresh && l.direction === 'original' && l.entry.dnat) {
      p.daddr = l.entry.dnat.daddr;
      if (l.entry.dnat.dport !== null && p.hasPorts) p.dport = l.entry.dnat.dport;
    }
    this.trace?.push({
      kind: 'conntrack',
      state: l.fresh ? 'new (first packet of the flow)' : `${p.ctState} (existing flow)`,
      direction: l.direction,
      ctmark: l.entry.mark,
      ...labelsOf(p),
    });
  }

  private confirm(): void {
    const l = this.lookup;
    if (!l) return;
    const p = this.p;
    if (!l.fresh) return;
    const sp = this.sp;
    l.entry.path = { iif: sp.iif ?? '', oif: p.oif };
    // Looked up by the packet's tuple as it came (nothing rewrites it before conntrack); replies come back to
    // where it went, after any DNAT.
    this.conntrack.confirm(l, sp, {
      proto: p.proto,
      saddr: p.daddr,
      sport: p.dport,
      daddr: p.saddr,
      dport: p.sport,
    });
  }

  private route(reason: 'input' | 'output' | 'reroute', local: boolean): RouteDecision {
    const p = this.p;
    const router = this.sim.router;
    let d: RouteDecision;
    if (router.unknown) {
      d = { result: local ? 'output' : 'forward', rule: null, table: null, route: null, oif: this.sp.oif };
      p.notes.push('no routes given: routing not simulated, the packet is assumed to leave by its oif');
    } else {
      const oif = local ? (this.sp.oif ?? '') : '';
      d = router.decideFor(p.family, p.saddr, p.daddr, p.mark, local ? 'lo' : p.iif, oif, local);
    }
    this.decision = d;
    this.trace?.push({
      kind: 'route',
      reason,
      mark: p.mark,
      rule: d.rule,
      table: d.table,
      route: d.route,
      oif: d.oif,
      result: d.result,
    });
    return d;
  }

  private finish(
    verdict: 'accept' | 'drop',
    destination: 'local' | 'forward' | 'output' | null,
  ): PacketResult {
    const p = this.p;
    let classid: string | null = null;
    const tc = this.sim.tc;
    if (verdict === 'accept' && p.oif !== '' && tc.devices > 0 && tc.hasDevice(p.oif)) {
      const t = tc.classify(p.oif, p.mark);
      classid = t.classid;
      this.trace?.push({ kind: 'tc', dev: p.oif, filter: t.filter, classid: t.classid, mark: p.mark });
    }
    const d = this.decision;
    const out: { -readonly [K in keyof PacketResult]: PacketResult[K] } = {
      verdict,
      mark: p.mark,
      ctmark: p.ct ? p.ct.mark : 0,
      oif: verdict === 'accept' && p.oif !== '' ? p.oif : null,
      table: d?.table ?? null,
      destination,
      classid,
      secmark: p.secmark,
      ctsecmark: p.ct ? p.ct.secmark : null,
      steps: this.trace ?? NO_STEPS,
    };
    // Assigned, not spread: this runs for every packet.
    if (p.unknown > 0) out.unknownExprs = p.unknown;
    if (p.notes.length > 0) out.notes = [...new Set(p.notes)];
    const l = this.lookup;
    // Only later packets of a connection whose first packet left can go the wrong way.
    if (l !== null && !l.fresh && l.entry.path !== undefined) {
      const exit = this.exit;
      exit.accepted = verdict === 'accept';
      exit.oif = verdict === 'accept' ? p.oif : '';
      exit.local = destination === 'local';
      exit.unroutable = verdict === 'drop' && d !== null && blocked(d.result);
      const wrong = wrongWay(l, exit);
      if (wrong) out.flags = [wrong];
    }
    return out;
  }
}

const cache = new WeakMap<BoxConfig, Simulator>();

/**
 * Simulate packets through a box: netfilter hooks (nft and iptables together, by priority), conntrack,
 * policy routing, re-routing of locally generated packets, and tc egress. Packets share conntrack, in order.
 * Throws InputError naming the packet key or rule that is wrong.
 */
export function simulate(
  box: BoxConfig,
  packets: readonly PacketSpec[] | readonly unknown[],
  options?: SimulateOptions,
): SimulationReport {
  let sim = cache.get(box);
  if (!sim) {
    sim = new Simulator(box);
    cache.set(box, sim);
  }
  return sim.run(packets, options);
}
