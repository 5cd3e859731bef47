import {
  type Chain,
  type DecodedMarks,
  decodeMark,
  evaluateWrite,
  type Hook,
  type Layout,
  type LivePacket,
  type LiveTraceStep,
  type Rule,
  type RuleOwner,
  type Ruleset,
  type Table,
  type TracedPacket,
} from '@markwright/core';
import { ruleText } from '@markwright/core/lang';
import { OWNED_TABLE } from '../deploy/ownership';
import { consumerSignature } from '../probe/consumers';
import type { MonitorEvent } from './monitor-lines';

/** The live ruleset, and where each rule handle sits in its chain (xtables tables are read by position). */
export interface LiveBox {
  readonly ruleset: Ruleset;
  /** `family table chain` -> handle -> position in the chain. */
  readonly positions: ReadonlyMap<string, ReadonlyMap<number, number>>;
}

export interface TimedEvent {
  readonly event: MonitorEvent;
  readonly at: Date;
}

export interface PathContext {
  readonly box: LiveBox;
  /** Our own trace table: its events give the mark at each hook's entry and are not shown. */
  readonly traceTable: string;
  readonly layout?: Layout;
  /** The connection's ct mark before this packet (what earlier packets of the trace left, else conntrack's). */
  readonly ctmarkBefore: (packet: LivePacket) => number;
}

const key = (family: string, table: string, chain: string) => `${family} ${table} ${chain}`;

function findChain(rs: Ruleset, family: string, table: string, chain: string): { t: Table; c: Chain } | null {
  const t = rs.tables.find((x) => x.family === family && x.name === table);
  const c = t?.chains.find((x) => x.name === chain);
  return t && c ? { t, c } : null;
}

/** Markwright's rules by their policy rule name (compiled rules carry it as comment), consumers by signature. */
export function ruleOwner(
  family: string,
  table: string,
  chain: string,
  text: string,
  rule: Rule | null,
): RuleOwner {
  if (family === 'inet' && table === OWNED_TABLE) {
    const name = rule?.comment ?? /comment "([^"]*)"/.exec(text)?.[1] ?? null;
    return { kind: 'markwright', rule: name && !name.startsWith('markwright:') ? name : null };
  }
  const consumer = consumerSignature(`table ${family} ${table} chain ${family} ${table} ${chain} ${text}`);
  return consumer ? { kind: 'consumer', consumer } : { kind: 'foreign' };
}

function decoded(layout: Layout | undefined, mark: number, ctmark: number): DecodedMarks | undefined {
  if (!layout) return undefined;
  return { mark: decodeMark(layout, mark, 'fwmark'), ctmark: decodeMark(layout, ctmark, 'connmark') };
}

/** Apply the rule's mark writes we can evaluate; false when it has an effect on marks we cannot model. */
function replay(rule: Rule, marks: { meta: number; ct: number }): boolean {
  let exact = true;
  for (const e of rule.exprs) {
    if (e.kind === 'markWrite') {
      const v = evaluateWrite(e.write, marks);
      if (e.write.dst === 'meta') marks.meta = v;
      else marks.ct = v;
    } else if (e.kind === 'markMap' || (e.kind === 'opaque' && e.role === 'statement' && e.writesMark)) {
      exact = false;
    }
  }
  return exact;
}

type MutableStep = { -readonly [K in keyof LiveTraceStep]: LiveTraceStep[K] } & Record<string, unknown>;

/**
 * One packet's live path from its monitor events: each rule the kernel reports with its owner, the marks after
 * it (computed from the rule, and set to what the kernel reports wherever it reports the mark), decoded.
 */
export function assemblePath(id: string, events: readonly TimedEvent[], ctx: PathContext): TracedPacket {
  const steps: MutableStep[] = [];
  let packet: LivePacket | null = null;
  let mark: number | null = null;
  let ctmark = 0;
  let hook: Hook | null = null;
  let priority = 0;
  let verdict: 'accept' | 'drop' = 'accept';
  let sinceSync: MutableStep[] = [];
  const fields = (s: MutableStep) => {
    const f = decoded(ctx.layout, (s.markAfter ?? s.mark) as number, (s.ctmarkAfter ?? s.ctmark) as number);
    if (f) s.fields = f;
  };
  for (const { event: ev, at } of events) {
    if (ev.kind === 'packet' && packet === null) {
      packet = ev.packet;
      ctmark = ctx.ctmarkBefore(ev.packet);
    }
    if (ev.table === ctx.traceTable && ev.family === 'inet') {
      if (ev.kind === 'policy') mark = ev.mark ?? 0;
      continue;
    }
    const found = findChain(ctx.box.ruleset, ev.family, ev.table, ev.chain);
    if (found?.c.base) {
      hook = found.c.base.hook;
      priority = found.c.base.priority;
    }
    if (ev.kind === 'packet') {
      if (ev.mark !== null) mark = ev.mark;
      continue;
    }
    const common = {
      hook: hook ?? 'prerouting',
      family: ev.family,
      table: ev.table,
      chain: ev.chain,
      at: at.toISOString(),
    };
    if (ev.kind === 'rule') {
      const position =
        ev.handle === null
          ? undefined
          : ctx.box.positions.get(key(ev.family, ev.table, ev.chain))?.get(ev.handle);
      const rule = position === undefined ? null : (found?.c.rules[position] ?? null);
      const marks = { meta: mark ?? 0, ct: ctmark };
      const exact = rule ? replay(rule, marks) : false;
      const step: MutableStep = {
        kind: 'rule',
        ...common,
        priority,
        rule: rule && found ? ruleText(rule, found.t) : ev.text,
        matched: true,
        ...(ev.verdict !== 'continue' ? { verdict: ev.verdict } : {}),
        markBefore: mark ?? 0,
        markAfter: marks.meta,
        ctmarkBefore: ctmark,
        ctmarkAfter: marks.ct,
        ...(exact ? {} : { note: 'effect on marks not modelled: the next mark the kernel reports is used' }),
        owner: ruleOwner(ev.family, ev.table, ev.chain, ev.text, rule),
        ...(ev.handle !== null ? { handle: ev.handle } : {}),
      } as MutableStep;
      steps.push(step);
      sinceSync.push(step);
      mark = marks.meta;
      ctmark = marks.ct;
      if (ev.verdict === 'drop') verdict = 'drop';
      continue;
    }
    if (ev.kind === 'policy') {
      const reported = ev.mark ?? 0;
      if (mark !== null && reported !== mark) {
        // The kernel saw another mark than the rules explain: the last rule here that could write it did it.
        const writer = [...sinceSync].reverse().find((s) => s.note) ?? sinceSync.at(-1);
        if (writer) {
          writer.markAfter = reported;
          writer.note = 'mark as the kernel reported it after this chain';
        }
      }
      mark = reported;
      steps.push({ kind: 'policy', ...common, verdict: ev.verdict, mark: reported, ctmark } as MutableStep);
      sinceSync = [];
      if (ev.verdict === 'drop') verdict = 'drop';
    }
  }
  for (const s of steps) fields(s);
  const endMark = mark ?? 0;
  const out: TracedPacket = {
    verdict,
    mark: endMark,
    ctmark,
    oif: packet?.oif ?? null,
    table: null,
    destination: null,
    classid: null,
    steps: steps as LiveTraceStep[],
    id,
    startedAt: (events[0]?.at ?? new Date()).toISOString(),
    endedAt: (events.at(-1)?.at ?? new Date()).toISOString(),
    packet: packet ?? {
      family: null,
      iif: null,
      oif: null,
      saddr: null,
      daddr: null,
      proto: null,
      sport: null,
      dport: null,
    },
    ...(ctx.layout ? { fields: decoded(ctx.layout, endMark, ctmark)! } : {}),
  };
  return out;
}

/** Rule positions by handle, from `nft -j list ruleset` (the order the kernel and iptables-save list rules in). */
export function handlePositions(nftJson: string): Map<string, Map<number, number>> {
  const out = new Map<string, Map<number, number>>();
  let doc: {
    nftables?: Record<string, { family?: string; table?: string; chain?: string; handle?: number }>[];
  };
  try {
    doc = JSON.parse(nftJson);
  } catch {
    return out;
  }
  for (const item of doc.nftables ?? []) {
    const r = item.rule;
    if (!r || typeof r.handle !== 'number') continue;
    const k = key(String(r.family), String(r.table), String(r.chain));
    const m = out.get(k) ?? new Map<number, number>();
    m.set(r.handle, m.size);
    out.set(k, m);
  }
  return out;
}
