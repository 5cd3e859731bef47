import { InputError } from '../../bits/errors';
import { xtTargetForWrite } from '../../bits/xt-mark';
import { isStatement } from '../../ir/statements';
import type { Match, Range, Rule, RuleExpr, Statement } from '../../ir/types';
import { networkPrefix } from '../../net/cidr';
import { formatXtRule } from './format-rule';
import { protoName } from './generic';
import { checkModuleInfo, printModuleInfo, rejectType } from './modules';
import { checkProtocolNeeds } from './rule-checks';
import type { XtRaw } from './to-ir';
import { quoteIfNeeded } from './tokenize';
import type { XtAddr, XtModule, XtModuleInfo, XtRule, XtTarget } from './xt-rule';

// IR rules as iptables-save prints them. The emitter builds the rule's xtables structure (generic part, match
// modules, target) and prints it with the printer that prints parsed rules, so both print one way; the checks
// iptables and the kernel make on modelled modules are the parser's checks too.

export interface IptablesEmitContext {
  readonly family: 4 | 6;
  /** For error messages: where the rule lives, e.g. `mangle PREROUTING #3`. */
  readonly where?: string;
}

/** Modules whose ports iptables models (`-m tcp`) or carries as written (`-m sctp`). */
const PORT_MODULES: Readonly<Record<number, string>> = { 6: 'tcp', 17: 'udp', 132: 'sctp', 33: 'dccp' };

const rangeText = (r: Range): string => (r[0] === r[1] ? String(r[0]) : `${r[0]}:${r[1]}`);
const neg = (invert: boolean): string[] => (invert ? ['!'] : []);

function isXtRaw(raw: unknown): raw is XtRaw & { invert?: boolean } {
  return typeof raw === 'object' && raw !== null && 'xt' in raw && 'words' in raw && Array.isArray(raw.words);
}

/** A module we model: its text comes from the one printer of its options. */
const modelled = (name: string, info: XtModuleInfo): XtModule => {
  const text = printModuleInfo(name, info);
  return { name, text, info, known: true, words: text === '' ? [] : text.split(' ') };
};

/** A module we carry word for word. */
const carried = (name: string, words: readonly string[], text?: string): XtModule => ({
  name,
  text: text ?? words.map(quoteIfNeeded).join(' '),
  known: false,
  words,
});

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface Builder {
  rule: Mutable<XtRule> & { matches: XtModule[] };
  /** The last port module when it may take the other direction (`-m tcp --sport A --dport B`). */
  lastPort: { index: number; proto: number; dirs: Set<'src' | 'dst'> } | null;
}

function unsupported(ctx: IptablesEmitContext, what: string, expr: unknown): never {
  throw new InputError(ctx.where ?? 'rule', expr, `${what} cannot be written as an iptables rule`);
}

function addModule(b: Builder, m: XtModule): void {
  b.rule.matches.push(m);
  b.lastPort = null;
}

function addPorts(b: Builder, m: Match & { kind: 'port' }, ctx: IptablesEmitContext): void {
  if (m.values.kind !== 'ranges' || m.values.ranges.length === 0) unsupported(ctx, 'a port set reference', m);
  const ranges = (m.values as { ranges: readonly Range[] }).ranges;
  const name = m.proto === null ? undefined : PORT_MODULES[m.proto];
  if (!name) unsupported(ctx, 'a port match without tcp/udp/sctp/dccp', m);
  const ports = { ranges, invert: m.invert };
  if (ranges.length > 1) {
    addModule(b, modelled('multiport', { kind: 'ports', [m.dir]: ports }));
    return;
  }
  const last = b.lastPort;
  // `-m tcp --sport A --dport B` is one module; merging keeps the order src, dst that a re-read gives.
  if (
    last &&
    last.proto === m.proto &&
    m.dir === 'dst' &&
    !last.dirs.has('dst') &&
    last.index === b.rule.matches.length - 1
  ) {
    const prev = b.rule.matches[last.index]!.info as PortsInfo;
    b.rule.matches[last.index] = portModule(name!, { ...(prev.src ? { src: prev.src } : {}), dst: ports });
    last.dirs.add('dst');
    return;
  }
  b.rule.matches.push(portModule(name!, { [m.dir]: ports }));
  b.lastPort = { index: b.rule.matches.length - 1, proto: m.proto!, dirs: new Set([m.dir]) };
}

type PortsInfo = XtModuleInfo & { kind: 'ports' };

/** tcp/udp ports are modelled; sctp/dccp ports are carried as the words their modules take. */
function portModule(name: string, dirs: Omit<PortsInfo, 'kind'>): XtModule {
  const info: PortsInfo = { kind: 'ports', ...dirs };
  if (name === 'tcp' || name === 'udp') return modelled(name, info);
  const words = (['src', 'dst'] as const).flatMap((d) => {
    const p = dirs[d];
    return p
      ? [...neg(p.invert), d === 'src' ? '--sport' : '--dport', p.ranges.map(rangeText).join(',')]
      : [];
  });
  return { ...carried(name, words), info };
}

function addMatch(b: Builder, m: Match, ctx: IptablesEmitContext): void {
  const once = (slot: keyof XtRule, value: unknown) => {
    if (b.rule[slot] !== undefined) unsupported(ctx, `a second ${slot} match`, m);
    (b.rule as Record<string, unknown>)[slot] = value;
  };
  switch (m.kind) {
    case 'addr': {
      if (m.set.kind !== 'cidrs' || m.set.cidrs.length !== 1) unsupported(ctx, 'an address set', m);
      const c = m.set.cidrs[0]!;
      if (c.family !== ctx.family)
        unsupported(ctx, `an IPv${c.family} address in an IPv${ctx.family} table`, m);
      const cidr = networkPrefix(c) ?? unsupported(ctx, `an address that is not IPv${c.family}`, m);
      const addr: XtAddr = { text: `${cidr.address}/${cidr.prefix}`, cidr, invert: m.invert };
      once(m.dir, addr);
      return;
    }
    case 'iface': {
      if (m.names.length !== 1) unsupported(ctx, 'an interface set', m);
      const name = m.names[0]!.replace(/\*$/, '+');
      if (name === '' || name.length > 15)
        unsupported(ctx, 'an interface name of more than 15 characters', m);
      once(m.dir === 'in' ? 'iif' : 'oif', { name, invert: m.invert });
      return;
    }
    case 'l4proto': {
      if (m.protos.length !== 1) unsupported(ctx, 'a protocol set', m);
      const number = m.protos[0]!;
      once('proto', { name: protoName(number), number, invert: m.invert });
      return;
    }
    case 'l3proto':
      if (m.family !== ctx.family || m.invert)
        unsupported(ctx, `an IPv${m.family} match in an IPv${ctx.family} table`, m);
      return;
    case 'mark': {
      const r = m.values.kind === 'ranges' && m.values.ranges.length === 1 ? m.values.ranges[0]! : null;
      if (!r || r[0] !== r[1] || m.key.shift !== 0)
        unsupported(ctx, 'a mark match on a set, range or shifted mark', m);
      const match = { mark: r![0], mask: m.key.mask, invert: m.invert };
      addModule(b, modelled(m.key.space === 'ct' ? 'connmark' : 'mark', { kind: 'mark', match }));
      return;
    }
    case 'port':
      addPorts(b, m, ctx);
      return;
    case 'ctstate':
      addModule(b, modelled('conntrack', { kind: 'ctstate', states: m.states, invert: m.invert }));
      return;
    case 'ctdirection':
      if (m.invert) unsupported(ctx, 'an inverted ct direction', m);
      addModule(b, modelled('conntrack', { kind: 'ctdir', direction: m.direction, invert: false }));
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
  if (raw.xt === 'match') addModule(b, carried(raw.name, raw.words, raw.text));
  else if (raw.xt === 'target')
    setTarget(b, { kind: 'module', module: carried(raw.name, raw.words, raw.text) }, ctx);
  else if (raw.name === '-f') b.rule.fragment = { invert: !!raw.invert };
  else if (raw.name === '-s' || raw.name === '-d')
    b.rule[raw.name === '-s' ? 'src' : 'dst'] = { text: raw.words[0]!, invert: !!raw.invert };
  else unsupported(ctx, `"${e.text}"`, e.text);
}

function setTarget(b: Builder, t: XtTarget, ctx: IptablesEmitContext): void {
  if (b.rule.target !== undefined) unsupported(ctx, 'a second target', t);
  b.rule.target = t;
}

const moduleTarget = (module: XtModule): XtTarget => ({ kind: 'module', module });

function chainTarget(name: string, goto: boolean, ctx: IptablesEmitContext): XtTarget {
  if (!/^[^-!][^\s]*$/.test(name) || name.length > 28) unsupported(ctx, `a jump to "${name}"`, name);
  return { kind: 'chain', name, goto };
}

const NAT_OPTIONS = {
  snat: '--to-source',
  dnat: '--to-destination',
  masquerade: '--to-ports',
  redirect: '--to-ports',
} as const;

/** The target of a statement, or null for statements iptables has no words for (counter, continue). */
function targetFor(s: Statement, ctx: IptablesEmitContext): XtTarget | null {
  switch (s.kind) {
    case 'markWrite': {
      const t = xtTargetForWrite(s.write);
      if (!t) unsupported(ctx, 'this mark write (no MARK/CONNMARK mode performs it)', s.write);
      const info: XtModuleInfo =
        t!.target === 'MARK' ? { kind: 'MARK', info: t!.info } : { kind: 'CONNMARK', info: t!.info };
      return moduleTarget(modelled(t!.target, info));
    }
    case 'secmarkSet':
      if (s.dst !== 'meta') unsupported(ctx, 'setting the conntrack secmark to a label', s);
      return moduleTarget(modelled('SECMARK', { kind: 'SECMARK', selctx: s.label }));
    case 'secmarkCopy':
      if (s.mode !== 'connsecmark') unsupported(ctx, 'an unconditional secmark copy (nft semantics)', s);
      return moduleTarget(
        modelled('CONNSECMARK', { kind: 'CONNSECMARK', mode: s.dst === 'ct' ? 'save' : 'restore' }),
      );
    case 'counter':
      // Every iptables rule counts.
      return null;
    case 'log':
      if (s.group !== undefined) return moduleTarget(carried('NFLOG', ['--nflog-group', String(s.group)]));
      return moduleTarget(carried('LOG', s.prefix !== undefined ? ['--log-prefix', s.prefix] : []));
    case 'nat': {
      // A NAT target read from iptables keeps its words as `-j NAME WORDS` text.
      if (s.text.startsWith('-j ')) {
        const [name, ...rest] = s.text.slice(3).split(' ');
        return moduleTarget(carried(name!, [], rest.join(' ')));
      }
      const words = s.to !== undefined ? [NAT_OPTIONS[s.type], s.to] : [];
      return moduleTarget(carried(s.type.toUpperCase(), words));
    }
    case 'verdict': {
      const v = s.verdict;
      switch (v.kind) {
        case 'accept':
        case 'drop':
        case 'return':
          return {
            kind: 'standard',
            name: v.kind === 'accept' ? 'ACCEPT' : v.kind === 'drop' ? 'DROP' : 'RETURN',
          };
        case 'reject':
          return moduleTarget(modelled('REJECT', { kind: 'REJECT', with: rejectType(v.with, ctx.family) }));
        case 'jump':
        case 'goto':
          return chainTarget(v.target, v.kind === 'goto', ctx);
        case 'queue':
          if (v.num === undefined && !v.bypass) return { kind: 'standard', name: 'QUEUE' };
          return moduleTarget(
            carried('NFQUEUE', ['--queue-num', String(v.num ?? 0), ...(v.bypass ? ['--queue-bypass'] : [])]),
          );
        case 'continue':
          return null;
      }
      return null;
    }
    case 'markMap':
    case 'vmap':
      return unsupported(ctx, `a ${s.kind}`, s);
    case 'opaque':
      if (!isXtRaw(s.raw) || s.raw.xt !== 'target')
        unsupported(ctx, `"${s.text}" (not an iptables target)`, s.text);
      return moduleTarget(carried((s.raw as XtRaw).name, (s.raw as XtRaw).words, (s.raw as XtRaw).text));
  }
}

/** The xtables structure of one IR rule, refused where iptables or the kernel would refuse it. */
export function iptablesRuleOf(rule: Rule, ctx: IptablesEmitContext): XtRule {
  const b: Builder = { rule: { matches: [] }, lastPort: null };
  for (const e of rule.exprs) {
    if (b.rule.target !== undefined && e.kind !== 'counter') unsupported(ctx, 'anything after the target', e);
    if (isStatement(e)) {
      const target = targetFor(e, ctx);
      if (target !== null) setTarget(b, target, ctx);
    } else addMatch(b, e as Match, ctx);
  }
  if (rule.comment?.includes('\n')) unsupported(ctx, 'a comment with a line break', rule.comment);
  if (rule.comment !== undefined)
    b.rule.matches.unshift(modelled('comment', { kind: 'comment', text: rule.comment }));
  const xt = b.rule;
  const moduleCtx = { family: ctx.family, ...(xt.proto ? { proto: xt.proto } : {}) };
  const modules = [...xt.matches, ...(xt.target?.kind === 'module' ? [xt.target.module] : [])];
  try {
    for (const m of modules) if (m.known && m.info) checkModuleInfo(m.name, m.info, moduleCtx);
  } catch (e) {
    throw e instanceof InputError ? e.within(ctx.where ?? 'rule') : e;
  }
  checkProtocolNeeds(
    xt,
    (_column, expected, found) => unsupported(ctx, `${found} without ${expected}`, found),
    0,
  );
  return xt;
}

/** One IR rule as iptables-save prints it, without the leading `-A CHAIN `. */
export function emitIptablesRule(rule: Rule, ctx: IptablesEmitContext): string {
  return formatXtRule(iptablesRuleOf(rule, ctx));
}
