import { InputError } from '../../bits/errors';
import { formatMarkMatch, formatXtMarkTarget, xtTargetForWrite } from '../../bits/xt-mark';
import type { Match, Range, Rule, RuleExpr, Statement } from '../../ir/types';
import { formatXtRule } from './format-rule';
import { protoName } from './generic';
import { parseXtRule } from './parse-rule';
import type { XtRaw } from './to-ir';
import { quoteIfNeeded, saveString } from './tokenize';

export interface IptablesEmitContext {
  readonly family: 4 | 6;
  /** For error messages: where the rule lives, e.g. `mangle PREROUTING #3`. */
  readonly where?: string;
}

const PORT_MODULES: Readonly<Record<number, string>> = { 6: 'tcp', 17: 'udp', 132: 'sctp', 33: 'dccp' };

const rangeText = (r: Range): string => (r[0] === r[1] ? String(r[0]) : `${r[0]}:${r[1]}`);
const neg = (invert: boolean): string => (invert ? '! ' : '');

function isXtRaw(raw: unknown): raw is XtRaw & { invert?: boolean } {
  return typeof raw === 'object' && raw !== null && 'xt' in raw && 'words' in raw && Array.isArray(raw.words);
}

interface Builder {
  generic: string[];
  modules: string[];
  target: string | null;
  /** Index in modules of the last tcp/udp module and which directions it already has. */
  lastPort: { index: number; proto: number; dirs: Set<'src' | 'dst'> } | null;
}

function unsupported(ctx: IptablesEmitContext, what: string, expr: unknown): never {
  throw new InputError(ctx.where ?? 'rule', expr, `${what} cannot be written as an iptables rule`);
}

function addMatch(b: Builder, m: Match, ctx: IptablesEmitContext, seen: Set<string>): void {
  const once = (slot: string) => {
    if (seen.has(slot)) unsupported(ctx, `a second ${slot} match`, m);
    seen.add(slot);
  };
  switch (m.kind) {
    case 'addr': {
      if (m.set.kind !== 'cidrs' || m.set.cidrs.length !== 1) unsupported(ctx, 'an address set', m);
      const c = m.set.cidrs[0]!;
      if (c.family !== ctx.family)
        unsupported(ctx, `an IPv${c.family} address in an IPv${ctx.family} table`, m);
      once(m.dir);
      b.generic.push(`${neg(m.invert)}${m.dir === 'src' ? '-s' : '-d'} ${c.address}/${c.prefix}`);
      return;
    }
    case 'iface':
      if (m.names.length !== 1) unsupported(ctx, 'an interface set', m);
      once(m.dir);
      b.generic.push(`${neg(m.invert)}${m.dir === 'in' ? '-i' : '-o'} ${m.names[0]!.replace(/\*$/, '+')}`);
      return;
    case 'l4proto':
      if (m.protos.length !== 1) unsupported(ctx, 'a protocol set', m);
      once('proto');
      b.generic.push(`${neg(m.invert)}-p ${protoName(m.protos[0]!)}`);
      return;
    case 'l3proto':
      if (m.family !== ctx.family || m.invert)
        unsupported(ctx, `an IPv${m.family} match in an IPv${ctx.family} table`, m);
      return;
    case 'mark': {
      const r = m.values.kind === 'ranges' && m.values.ranges.length === 1 ? m.values.ranges[0]! : null;
      if (!r || r[0] !== r[1] || m.key.shift !== 0)
        unsupported(ctx, 'a mark match on a set, range or shifted mark', m);
      const text = formatMarkMatch({ mark: r![0], mask: m.key.mask, invert: m.invert });
      b.modules.push(`-m ${m.key.space === 'ct' ? 'connmark' : 'mark'} ${text}`);
      b.lastPort = null;
      return;
    }
    case 'port': {
      if (m.values.kind !== 'ranges' || m.values.ranges.length === 0)
        unsupported(ctx, 'a port set reference', m);
      const ranges = (m.values as { ranges: readonly Range[] }).ranges;
      const module = m.proto === null ? undefined : PORT_MODULES[m.proto];
      if (!module) unsupported(ctx, 'a port match without tcp/udp/sctp/dccp', m);
      const opt = m.dir === 'src' ? 'sport' : 'dport';
      if (ranges.length > 1) {
        b.modules.push(`-m multiport ${neg(m.invert)}--${opt}s ${ranges.map(rangeText).join(',')}`);
        b.lastPort = null;
        return;
      }
      const text = `${neg(m.invert)}--${opt} ${rangeText(ranges[0]!)}`;
      const last = b.lastPort;
      // `-m tcp --sport A --dport B` is one module; merging keeps the order src, dst that a re-read gives.
      if (
        last &&
        last.proto === m.proto &&
        m.dir === 'dst' &&
        !last.dirs.has('dst') &&
        last.index === b.modules.length - 1
      ) {
        b.modules[last.index] += ` ${text}`;
        last.dirs.add('dst');
        return;
      }
      b.modules.push(`-m ${module} ${text}`);
      b.lastPort = { index: b.modules.length - 1, proto: m.proto!, dirs: new Set([m.dir]) };
      return;
    }
    case 'ctstate':
      b.modules.push(
        `-m conntrack ${neg(m.invert)}--ctstate ${m.states.map((s) => s.toUpperCase()).join(',')}`,
      );
      b.lastPort = null;
      return;
    case 'ctdirection':
      if (m.invert) unsupported(ctx, 'an inverted ct direction', m);
      b.modules.push(`-m conntrack --ctdir ${m.direction.toUpperCase()}`);
      b.lastPort = null;
      return;
    case 'secmark':
      unsupported(ctx, 'a secmark match', m);
      break;
    case 'opaque':
      addOpaque(b, m, ctx);
      break;
  }
}

function addOpaque(b: Builder, e: RuleExpr & { kind: 'opaque' }, ctx: IptablesEmitContext): void {
  if (!isXtRaw(e.raw)) unsupported(ctx, `"${e.text}" (not from iptables)`, e.text);
  const raw = e.raw as XtRaw & { invert?: boolean };
  const words = raw.words.map(quoteIfNeeded).join(' ');
  if (raw.xt === 'generic') b.generic.push(`${neg(!!raw.invert)}${raw.name}${words ? ` ${words}` : ''}`);
  else if (raw.xt === 'match') {
    b.modules.push(`-m ${raw.name}${words ? ` ${words}` : ''}`);
    b.lastPort = null;
  } else setTarget(b, `-j ${raw.name}${words ? ` ${words}` : ''}`, ctx);
}

function opaqueTarget(e: RuleExpr & { kind: 'opaque' }, ctx: IptablesEmitContext): string {
  if (!isXtRaw(e.raw) || e.raw.xt !== 'target')
    unsupported(ctx, `"${e.text}" (not an iptables target)`, e.text);
  const raw = e.raw as XtRaw;
  const words = raw.words.map(quoteIfNeeded).join(' ');
  return `-j ${raw.name}${words ? ` ${words}` : ''}`;
}

function setTarget(b: Builder, text: string, ctx: IptablesEmitContext): void {
  if (b.target !== null) unsupported(ctx, `a second target (${text} after ${b.target})`, text);
  b.target = text;
}

/** The `-j`/`-g` words of a statement, or null for statements iptables has no words for (counter). */
function targetFor(s: Statement, ctx: IptablesEmitContext): string | null {
  switch (s.kind) {
    case 'markWrite': {
      const t = xtTargetForWrite(s.write);
      if (!t) unsupported(ctx, 'this mark write (no MARK/CONNMARK mode performs it)', s.write);
      return formatXtMarkTarget(t!);
    }
    case 'secmarkSet':
      if (s.dst !== 'meta') unsupported(ctx, 'setting the conntrack secmark to a label', s);
      return `-j SECMARK --selctx ${quoteIfNeeded(s.label)}`;
    case 'secmarkCopy':
      if (s.mode !== 'connsecmark') unsupported(ctx, 'an unconditional secmark copy (nft semantics)', s);
      return `-j CONNSECMARK --${s.dst === 'ct' ? 'save' : 'restore'}`;
    case 'counter':
      // Every iptables rule counts.
      return null;
    case 'log':
      if (s.group !== undefined) return `-j NFLOG --nflog-group ${s.group}`;
      return `-j LOG${s.prefix !== undefined ? ` --log-prefix ${saveString(s.prefix)}` : ''}`;
    case 'nat': {
      if (s.text.startsWith('-j ')) return s.text;
      const opt = {
        snat: '--to-source',
        dnat: '--to-destination',
        masquerade: '--to-ports',
        redirect: '--to-ports',
      }[s.type];
      return `-j ${s.type.toUpperCase()}${s.to !== undefined ? ` ${opt} ${s.to}` : ''}`;
    }
    case 'verdict': {
      const v = s.verdict;
      switch (v.kind) {
        case 'accept':
        case 'drop':
        case 'return':
          return `-j ${v.kind.toUpperCase()}`;
        case 'reject':
          return `-j REJECT${v.with ? ` --reject-with ${v.with}` : ''}`;
        case 'jump':
          return `-j ${v.target}`;
        case 'goto':
          return `-g ${v.target}`;
        case 'queue':
          return v.num === undefined && !v.bypass
            ? '-j QUEUE'
            : `-j NFQUEUE --queue-num ${v.num ?? 0}${v.bypass ? ' --queue-bypass' : ''}`;
        case 'continue':
          return null;
      }
      return null;
    }
    case 'markMap':
    case 'vmap':
      return unsupported(ctx, `a ${s.kind}`, s);
    case 'opaque':
      return opaqueTarget(s, ctx);
  }
}

const STATEMENT_KINDS = new Set([
  'markWrite',
  'markMap',
  'secmarkSet',
  'secmarkCopy',
  'counter',
  'log',
  'nat',
  'verdict',
  'vmap',
]);

/**
 * One IR rule as iptables-save prints it, without the leading `-A CHAIN ` (the emitted words are read back
 * through the iptables parser, so the text is in canonical form and is known to load).
 */
export function emitIptablesRule(rule: Rule, ctx: IptablesEmitContext): string {
  const b: Builder = { generic: [], modules: [], target: null, lastPort: null };
  const seen = new Set<string>();
  for (const e of rule.exprs) {
    if (b.target !== null && e.kind !== 'counter') {
      unsupported(ctx, 'anything after the target', e);
    }
    const isStatement = STATEMENT_KINDS.has(e.kind) || (e.kind === 'opaque' && e.role === 'statement');
    if (isStatement) {
      const target = targetFor(e as Statement, ctx);
      if (target !== null) setTarget(b, target, ctx);
    } else addMatch(b, e as Match, ctx, seen);
  }
  if (rule.comment?.includes('\n')) unsupported(ctx, 'a comment with a line break', rule.comment);
  if (rule.comment !== undefined) b.modules.unshift(`-m comment --comment ${saveString(rule.comment)}`);
  const text = [...b.generic, ...b.modules, ...(b.target ? [b.target] : [])].join(' ');
  return formatXtRule(parseXtRule(text, { family: ctx.family }));
}
