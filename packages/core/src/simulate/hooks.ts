import type { Chain, Family, Hook, RuleExpr, Ruleset, Table } from '../ir/types';
import type { StepLabels, TraceStep } from '../reports/types';
import { isNatChain, TableCompiler } from './compile-rules';
import { runOp } from './fast-ops';
import { firstAtOrAfter } from './rule-index';
import {
  type CompiledChain,
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

/** A base chain registered at a hook, or the conntrack hook itself (priority -200). */
export type HookEntry =
  | {
      readonly kind: 'chain';
      readonly priority: number;
      readonly table: Table;
      readonly chain: CompiledChain;
      readonly policy: 'accept' | 'drop';
      /** Mark changes here re-route a locally generated packet (iptables mangle OUTPUT, nft `type route`). */
      readonly reroute: boolean;
      /** NAT chains see only the first packet of a connection. */
      readonly nat: boolean;
    }
  | { readonly kind: 'conntrack'; readonly priority: number };

export const CONNTRACK_PRIORITY = -200;
const MAX_DEPTH = 64;
const IP_HOOKS: readonly Hook[] = ['prerouting', 'input', 'forward', 'output', 'postrouting'];

const appliesTo = (family: Family, ipv: 4 | 6): boolean =>
  family === 'inet' || (family === 'ip' && ipv === 4) || (family === 'ip6' && ipv === 6);

/** Every base chain of every table at each IP hook, sorted by priority; ties as the kernel orders them. */
export type HookTable = Readonly<Record<4 | 6, Readonly<Partial<Record<Hook, readonly HookEntry[]>>>>>;

/** True when the expression needs a conntrack entry: loading such a rule registers conntrack's hooks. */
function usesConntrack(e: RuleExpr): boolean {
  switch (e.kind) {
    case 'ctstate':
    case 'ctdirection':
    case 'secmarkCopy':
    case 'nat':
      return true;
    case 'mark':
    case 'secmark':
      return e.kind === 'mark' ? e.key.space === 'ct' : e.space === 'ct';
    case 'markWrite':
      return e.write.dst === 'ct' || e.write.src?.space === 'ct';
    case 'markMap':
      return e.dst === 'ct' || (e.key.kind === 'mark' && e.key.key.space === 'ct');
    case 'secmarkSet':
      return e.dst === 'ct';
    default:
      return false;
  }
}

const tableUsesConntrack = (t: Table): boolean =>
  t.chains.some((c) => (c.base && isNatChain(t, c)) || c.rules.some((r) => r.exprs.some(usesConntrack)));

/**
 * Registration order of the hooks, which decides ties: at equal priority the kernel runs the most recently
 * registered hook first (nf_hook_entries_grow inserts a new hook before the first one whose priority is not
 * lower). A listing shows tables in creation order; loading a table registers its base chains, then adds its
 * rules, and the first rule that needs conntrack registers conntrack's hooks (checked on the kernel: a chain at
 * -200 sees `ct state new` when its own table brought conntrack in, `invalid` when an older table did).
 */
function registrationOrder(tables: readonly Table[]): { chain: Map<Chain, number>; conntrack: number } {
  const chain = new Map<Chain, number>();
  let seq = 0;
  let conntrack = -1;
  for (const t of tables) {
    for (const c of t.chains) if (c.base) chain.set(c, seq++);
    if (conntrack === -1 && tableUsesConntrack(t)) conntrack = seq++;
  }
  return { chain, conntrack: conntrack === -1 ? seq : conntrack };
}

export function buildHooks(ruleset: Ruleset, indexFromRules?: number): HookTable {
  const out: Record<4 | 6, Partial<Record<Hook, HookEntry[]>>> = { 4: {}, 6: {} };
  const compiled = ruleset.tables.map((t) => new TableCompiler(t, indexFromRules));
  const registered = registrationOrder(ruleset.tables);
  for (const ipv of [4, 6] as const) {
    for (const hook of IP_HOOKS) {
      const list: { entry: HookEntry; seq: number }[] = [];
      if (hook === 'prerouting' || hook === 'output') {
        list.push({ entry: { kind: 'conntrack', priority: CONNTRACK_PRIORITY }, seq: registered.conntrack });
      }
      for (const tc of compiled) {
        const table = tc.table;
        if (!appliesTo(table.family, ipv)) continue;
        for (const chain of table.chains) {
          const base = chain.base;
          if (!base || base.hook !== hook) continue;
          list.push({
            entry: {
              kind: 'chain',
              priority: base.priority,
              table,
              chain: tc.chains.get(chain.name)!,
              policy: base.policy,
              reroute:
                hook === 'output' &&
                (base.type === 'route' || (table.origin === 'iptables' && table.name === 'mangle')),
              nat: isNatChain(table, chain),
            },
            seq: registered.chain.get(chain)!,
          });
        }
      }
      list.sort((a, b) => a.entry.priority - b.entry.priority || b.seq - a.seq);
      out[ipv][hook] = list.map((x) => x.entry);
    }
  }
  return out;
}

// The return stack of jumps, shared: one base chain runs at a time and each run starts at depth 0, so no packet
// allocates one.
const JUMP_CHAINS: CompiledChain[] = new Array(MAX_DEPTH).fill(null);
const JUMP_INDEX = new Int32Array(MAX_DEPTH);

/** Run one base chain with its jumps, gotos and returns; the trace gets one step per rule evaluated. */
export function runBaseChain(
  entry: Extract<HookEntry, { kind: 'chain' }>,
  hook: Hook,
  p: PacketState,
  trace: TraceStep[] | null,
): 'accept' | 'drop' {
  // Two walks, so that traced runs do not teach the untraced one's code other shapes.
  return trace === null ? runUntraced(entry, hook, p) : runTraced(entry, hook, p, trace);
}

function runUntraced(
  entry: Extract<HookEntry, { kind: 'chain' }>,
  hook: Hook,
  p: PacketState,
): 'accept' | 'drop' {
  let depth = 0;
  let chain = entry.chain;
  let i = 0;
  for (;;) {
    const rules = chain.rules;
    let r = R_CONT;
    if (chain.index !== null) {
      const at = runIndexed(chain, i, p);
      r = at < 0 ? p.lastVerdict : R_CONT;
      i = at < 0 ? -at - 1 : rules.length;
    } else {
      // The hot loop: first op read directly (most rules stop there).
      while (i < rules.length) {
        const ops = rules[i++]!.ops;
        let q = ops.length === 0 ? R_CONT : runOp(ops[0]!, p);
        for (let k = 1; q === R_CONT && k < ops.length; k++) q = runOp(ops[k]!, p);
        if (q !== R_CONT && q !== R_BREAK && q !== R_NEXT) {
          r = q;
          break;
        }
      }
    }
    switch (r) {
      case R_ACCEPT:
        return 'accept';
      case R_DROP:
        return 'drop';
      case R_JUMP:
        if (depth >= MAX_DEPTH) return loopDrop(p);
        JUMP_CHAINS[depth] = chain;
        JUMP_INDEX[depth++] = i;
        chain = p.target!;
        i = 0;
        break;
      case R_GOTO:
        chain = p.target!;
        i = 0;
        break;
      default:
        // No verdict: go on, or leave the chain at its end (an explicit return leaves it at once).
        if (r !== R_RETURN && i < rules.length) break;
        if (depth === 0) return policy(entry, hook, p, null);
        chain = JUMP_CHAINS[--depth]!;
        i = JUMP_INDEX[depth]!;
    }
  }
}

function runTraced(
  entry: Extract<HookEntry, { kind: 'chain' }>,
  hook: Hook,
  p: PacketState,
  trace: TraceStep[],
): 'accept' | 'drop' {
  let depth = 0;
  let chain = entry.chain;
  let i = 0;
  for (;;) {
    const rules = chain.rules;
    const r = i < rules.length ? tracedRule(entry, hook, chain, rules[i++]!, p, trace) : R_CONT;
    switch (r) {
      case R_ACCEPT:
        return 'accept';
      case R_DROP:
        return 'drop';
      case R_JUMP:
        if (depth >= MAX_DEPTH) return loopDrop(p);
        JUMP_CHAINS[depth] = chain;
        JUMP_INDEX[depth++] = i;
        chain = p.target!;
        i = 0;
        break;
      case R_GOTO:
        chain = p.target!;
        i = 0;
        break;
      default:
        if (r !== R_RETURN && i < rules.length) break;
        if (depth === 0) return policy(entry, hook, p, trace);
        chain = JUMP_CHAINS[--depth]!;
        i = JUMP_INDEX[depth]!;
    }
  }
}

/**
 * Run the rules of an indexed chain from position `from`: only the packet's candidates, in chain order. Returns
 * -(next position + 1) with the verdict in `p.lastVerdict` when a rule issued one, or the chain's length when it
 * ran to its end.
 */
function runIndexed(chain: CompiledChain, from: number, p: PacketState): number {
  const rules = chain.rules;
  const ix = chain.index!;
  let list = ix.candidates(p);
  for (let j = firstAtOrAfter(list, from); j < list.length; j++) {
    const i = list[j]!;
    const rule = rules[i]!;
    const ops = rule.ops;
    let q = ops.length === 0 ? R_CONT : runOp(ops[0]!, p);
    for (let o = 1; q === R_CONT && o < ops.length; o++) q = runOp(ops[o]!, p);
    if (q !== R_CONT && q !== R_BREAK && q !== R_NEXT) {
      p.lastVerdict = q;
      return -(i + 2);
    }
    if (rule.mutates && !ix.stable) {
      // A mark write or NAT may have moved the packet to other rules: look again from the next position.
      list = ix.candidates(p);
      j = firstAtOrAfter(list, i + 1) - 1;
    }
  }
  return rules.length;
}

/** The labels a packet and its connection carry, for the trace: each only when set. */
export function labelsOf(p: PacketState): StepLabels {
  const ct = p.ct ? p.ct.secmark : null;
  return { ...(p.secmark !== null && { secmark: p.secmark }), ...(ct !== null && { ctsecmark: ct }) };
}

/** One rule with its trace step (and secmark steps when a label changed). */
function tracedRule(
  entry: Extract<HookEntry, { kind: 'chain' }>,
  hook: Hook,
  chain: CompiledChain,
  rule: CompiledRule,
  p: PacketState,
  trace: TraceStep[],
): number {
  const markBefore = p.mark;
  const ctBefore = p.ct ? p.ct.mark : 0;
  const secBefore = p.secmark;
  const ctSecBefore = p.ct ? p.ct.secmark : null;
  p.verdictText = null;
  p.note = null;
  let r = R_CONT;
  for (const o of rule.ops) {
    r = runOp(o, p);
    if (r !== R_CONT) break;
  }
  trace.push({
    kind: 'rule',
    hook,
    family: entry.table.family,
    table: entry.table.name,
    chain: chain.name,
    priority: entry.priority,
    rule: rule.text,
    matched: r !== R_BREAK,
    ...(p.verdictText && r !== R_BREAK ? { verdict: p.verdictText } : {}),
    markBefore,
    markAfter: p.mark,
    ctmarkBefore: ctBefore,
    ctmarkAfter: p.ct ? p.ct.mark : 0,
    ...(p.note ? { note: p.note } : {}),
    ...labelsOf(p),
  });
  if (p.secmark !== secBefore) {
    trace.push({ kind: 'secmark', space: 'meta', before: secBefore, after: p.secmark, rule: rule.text });
  }
  const ctSecAfter = p.ct ? p.ct.secmark : null;
  if (ctSecAfter !== ctSecBefore) {
    trace.push({ kind: 'secmark', space: 'ct', before: ctSecBefore, after: ctSecAfter, rule: rule.text });
  }
  return r;
}

function loopDrop(p: PacketState): 'drop' {
  p.notes.push(
    `jumps nested deeper than ${MAX_DEPTH} chains: the kernel refuses such loops; counted as drop`,
  );
  return 'drop';
}

function policy(
  entry: Extract<HookEntry, { kind: 'chain' }>,
  hook: Hook,
  p: PacketState,
  trace: TraceStep[] | null,
): 'accept' | 'drop' {
  trace?.push({
    kind: 'policy',
    hook,
    family: entry.table.family,
    table: entry.table.name,
    chain: entry.chain.name,
    verdict: entry.policy,
    mark: p.mark,
    ctmark: p.ct ? p.ct.mark : 0,
    ...labelsOf(p),
  });
  return entry.policy;
}
