import { connmarkTargetWrite, markMatchOf, markTargetWrite } from '../../bits/xt-mark';
import type { Match, OpaqueExpr, Rule, RuleExpr, SourceRef, Statement } from '../../ir/types';
import { MARK_FREE, MARK_READERS, MARK_WRITERS } from './extensions';
import { quoteIfNeeded } from './tokenize';
import type { XtModule, XtPorts, XtRule } from './xt-rule';

/** The original words of an xt extension, kept in an OpaqueExpr so the emitter writes them back unchanged. */
export interface XtRaw {
  readonly xt: 'match' | 'target' | 'generic';
  readonly name: string;
  readonly words: readonly string[];
  /** The option text as iptables-save prints it, when it differs from the words quoted one by one. */
  readonly text?: string;
}

export function opaqueXt(kind: 'match' | 'target', m: XtModule): OpaqueExpr {
  const flag = kind === 'match' ? '-m' : '-j';
  const text = `${flag} ${m.name}${m.words.length ? ` ${m.words.map(quoteIfNeeded).join(' ')}` : ''}`;
  const unknown = !MARK_FREE.has(m.name);
  const raw: XtRaw = { xt: kind, name: m.name, words: m.words, text: m.text };
  return {
    kind: 'opaque',
    text,
    role: kind === 'match' ? 'match' : 'statement',
    readsMark: unknown || MARK_READERS.has(m.name),
    writesMark: MARK_WRITERS.has(m.name) || (unknown && !MARK_READERS.has(m.name)),
    raw,
  };
}

function portMatches(dir: 'src' | 'dst', p: XtPorts | undefined, proto: number | null): Match[] {
  if (!p) return [];
  return [{ kind: 'port', dir, proto, values: { kind: 'ranges', ranges: p.ranges }, invert: p.invert }];
}

function matchExprs(m: XtModule, proto: number | null): RuleExpr[] {
  const info = m.info;
  if (!info) return [opaqueXt('match', m)];
  switch (info.kind) {
    case 'mark': {
      const mm = markMatchOf(info.match, m.name === 'connmark' ? 'ct' : 'meta');
      return [
        {
          kind: 'mark',
          key: { space: mm.space, mask: mm.mask, shift: 0 },
          values: { kind: 'ranges', ranges: [[mm.value, mm.value]] },
          invert: mm.invert,
        },
      ];
    }
    case 'ports':
      // `--ports` matches either direction: no single IR port match says that, so it stays opaque.
      if (info.either) return [opaqueXt('match', m)];
      return [...portMatches('src', info.src, proto), ...portMatches('dst', info.dst, proto)];
    case 'ctstate':
      return [{ kind: 'ctstate', states: info.states, invert: info.invert }];
    case 'ctdir':
      return [{ kind: 'ctdirection', direction: info.direction, invert: info.invert }];
    default:
      // A second comment, and anything else without a typed form, stays as written.
      return [opaqueXt('match', m)];
  }
}

function targetExprs(rule: XtRule): Statement[] {
  const t = rule.target;
  if (!t) return [];
  if (t.kind === 'standard') {
    if (t.name === 'QUEUE') return [{ kind: 'verdict', verdict: { kind: 'queue' } }];
    const kind = t.name === 'ACCEPT' ? 'accept' : t.name === 'DROP' ? 'drop' : 'return';
    return [{ kind: 'verdict', verdict: { kind } }];
  }
  if (t.kind === 'chain')
    return [{ kind: 'verdict', verdict: { kind: t.goto ? 'goto' : 'jump', target: t.name } }];
  const m = t.module;
  const info = m.info;
  switch (info?.kind) {
    case 'MARK':
      return [{ kind: 'markWrite', write: markTargetWrite(info.info) }];
    case 'CONNMARK':
      return [{ kind: 'markWrite', write: connmarkTargetWrite(info.info) }];
    case 'SECMARK':
      return [{ kind: 'secmarkSet', dst: 'meta', label: info.selctx }];
    case 'CONNSECMARK':
      return [{ kind: 'secmarkCopy', dst: info.mode === 'save' ? 'ct' : 'meta', mode: 'connsecmark' }];
    case 'REJECT':
      return [{ kind: 'verdict', verdict: { kind: 'reject', with: info.with } }];
    default:
      return [carriedTarget(m)];
  }
}

const NAT_TARGETS: Readonly<
  Record<string, { type: 'snat' | 'dnat' | 'masquerade' | 'redirect'; to: string; toShort: string }>
> = {
  // toShort: the option without a final "s" (--to-port), which iptables also accepts.
  SNAT: { type: 'snat', to: '--to-source', toShort: '--to-source' },
  DNAT: { type: 'dnat', to: '--to-destination', toShort: '--to-destination' },
  MASQUERADE: { type: 'masquerade', to: '--to-ports', toShort: '--to-port' },
  REDIRECT: { type: 'redirect', to: '--to-ports', toShort: '--to-port' },
};

/** Targets we only partly model: NAT (typed, with its words as text), plain LOG / NFLOG; the rest opaque. */
function carriedTarget(m: XtModule): Statement {
  const w = m.words;
  const nat = NAT_TARGETS[m.name];
  if (nat) {
    const i = w.findIndex((x) => x === nat.to || x === nat.toShort);
    const to = i === -1 ? undefined : w[i + 1];
    const text = `-j ${m.name}${w.length ? ` ${w.map(quoteIfNeeded).join(' ')}` : ''}`;
    // Built without spreads, keys in the same order: this runs for every NAT rule of a large ruleset.
    return to !== undefined
      ? { kind: 'nat', type: nat.type, to, text }
      : { kind: 'nat', type: nat.type, text };
  }
  if (m.name === 'LOG' && (w.length === 0 || (w.length === 2 && w[0] === '--log-prefix'))) {
    return { kind: 'log', ...(w[1] !== undefined ? { prefix: w[1] } : {}) };
  }
  if (m.name === 'NFLOG' && w.length === 2 && w[0] === '--nflog-group' && /^[0-9]+$/.test(w[1]!)) {
    return { kind: 'log', group: Number(w[1]) };
  }
  return opaqueXt('target', m);
}

/** The IR of one parsed iptables rule. Generic matches come first, then modules, then the target. */
export function xtRuleToIr(rule: XtRule, source?: SourceRef): Rule {
  const exprs: RuleExpr[] = [];
  if (rule.src) addressExpr(exprs, 'src', rule.src);
  if (rule.dst) addressExpr(exprs, 'dst', rule.dst);
  if (rule.iif) exprs.push({ kind: 'iface', dir: 'in', names: [rule.iif.name], invert: rule.iif.invert });
  if (rule.oif) exprs.push({ kind: 'iface', dir: 'out', names: [rule.oif.name], invert: rule.oif.invert });
  if (rule.proto) exprs.push({ kind: 'l4proto', protos: [rule.proto.number], invert: rule.proto.invert });
  if (rule.fragment) {
    exprs.push({
      kind: 'opaque',
      text: `${rule.fragment.invert ? '! ' : ''}-f`,
      role: 'match',
      readsMark: false,
      writesMark: false,
      raw: { xt: 'generic', name: '-f', words: [], invert: rule.fragment.invert },
    });
  }
  const proto = rule.proto && !rule.proto.invert ? rule.proto.number : null;
  let comment: string | undefined;
  for (const m of rule.matches) {
    if (m.info?.kind === 'comment' && comment === undefined) comment = m.info.text;
    else for (const e of matchExprs(m, proto)) exprs.push(e);
  }
  for (const e of targetExprs(rule)) exprs.push(e);
  // Optional keys added in the order the spread form had: the JSON output keeps its key order.
  const ir: { -readonly [K in keyof Rule]: Rule[K] } = { exprs };
  if (comment !== undefined) ir.comment = comment;
  if (rule.counters) ir.counters = rule.counters;
  if (source) ir.source = source;
  return ir;
}

function addressExpr(exprs: RuleExpr[], dir: 'src' | 'dst', a: NonNullable<XtRule['src']>): void {
  if (a.cidr) exprs.push({ kind: 'addr', dir, set: { kind: 'cidrs', cidrs: [a.cidr] }, invert: a.invert });
  else {
    const raw: XtRaw = { xt: 'generic', name: dir === 'src' ? '-s' : '-d', words: [a.text] };
    exprs.push({
      kind: 'opaque',
      text: `${a.invert ? '! ' : ''}${raw.name} ${a.text}`,
      role: 'match',
      readsMark: false,
      writesMark: false,
      raw: { ...raw, invert: a.invert },
    });
  }
}
