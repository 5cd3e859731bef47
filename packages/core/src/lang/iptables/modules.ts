import { InputError } from '../../bits/errors';
import {
  formatConnmarkTarget,
  formatMarkMatch,
  formatMarkTarget,
  parseConnmarkTargetOptions,
  parseMarkMatchOptions,
  parseMarkTargetOptions,
} from '../../bits/xt-mark';
import type { CtState } from '../../ir/types';
import { CT_STATES } from '../../net/conntrack';
import { formatRange, once, parsePortRange, portModule, printMultiport, printPortPair } from './ports';
import { saveString } from './tokenize';
import type { XtModuleInfo, XtPorts, XtProto } from './xt-rule';

// The iptables extensions we model: which options each claims, how it checks them, and how iptables-save
// prints them. Extensions not listed here are carried word for word.

/** One option of a module as written: `[!] --name value...`. */
export interface XtOpt {
  readonly name: string;
  readonly invert: boolean;
  readonly values: readonly string[];
  readonly column: number;
  /** Column of each value, for error positions. */
  readonly valueColumns?: readonly number[];
}

export interface ModuleContext {
  readonly family: 4 | 6;
  readonly proto?: XtProto;
}

export interface ModuleSpec {
  /** Long option name (without `--`) → number of values it takes. */
  readonly options: Readonly<Record<string, number>>;
  readonly invertible?: readonly string[];
  /** `words`, when given, are the words of `text`, so that the reader need not split the text again. */
  build(opts: readonly XtOpt[], ctx: ModuleContext): { text: string; info?: XtModuleInfo; words?: string[] };
}

const words = (opts: readonly XtOpt[]): string[] =>
  opts.flatMap((o) => [...(o.invert ? ['!'] : []), `--${o.name}`, ...o.values]);

const MULTIPORT_PROTOS = ['tcp', 'udp', 'udplite', 'sctp', 'dccp'];

const multiport: ModuleSpec = {
  options: { sports: 1, 'source-ports': 1, dports: 1, 'destination-ports': 1, ports: 1 },
  invertible: ['sports', 'source-ports', 'dports', 'destination-ports', 'ports'],
  build(opts, ctx) {
    if (opts.length !== 1) {
      throw new InputError(
        'multiport',
        words(opts).join(' '),
        'takes exactly one of --sports, --dports, --ports',
      );
    }
    const o = opts[0]!;
    const name = o.name.startsWith('s') ? 'sports' : o.name.startsWith('d') ? 'dports' : 'ports';
    const ranges = o.values[0]!.split(',').map((p) => parsePortRange(p, `--${name}`));
    const ports: XtPorts = { ranges, invert: o.invert };
    const info: XtModuleInfo =
      name === 'sports'
        ? { kind: 'ports', src: ports }
        : name === 'dports'
          ? { kind: 'ports', dst: ports }
          : { kind: 'ports', either: ports };
    checkModuleInfo('multiport', info, ctx);
    return { text: printMultiport(info), info };
  },
};

// ---- conntrack state ----------------------------------------------------------------------------

function parseStates(text: string, field: string): CtState[] {
  const states = new Set<CtState>();
  for (const s of text.split(',')) {
    const lower = s.toLowerCase() as CtState;
    if (!CT_STATES.includes(lower)) {
      throw new InputError(
        field,
        text,
        `has an unknown state "${s}" (expected INVALID, NEW, RELATED, ESTABLISHED, UNTRACKED)`,
      );
    }
    states.add(lower);
  }
  return CT_STATES.filter((s) => states.has(s));
}

/** In the order iptables-save lists them, once each. */
const formatStates = (states: readonly CtState[]): string =>
  CT_STATES.filter((s) => states.includes(s))
    .map((s) => s.toUpperCase())
    .join(',');

function stateModule(option: 'state' | 'ctstate'): ModuleSpec {
  return {
    options: { [option]: 1 },
    invertible: [option],
    build(opts) {
      once(opts);
      const o = opts[0];
      if (!o) throw new InputError(option, '', `"--${option}" must be specified`);
      const info: XtModuleInfo = {
        kind: 'ctstate',
        states: parseStates(o.values[0]!, `--${option}`),
        invert: o.invert,
      };
      return { text: printModuleInfo(option === 'state' ? 'state' : 'conntrack', info), info };
    },
  };
}

// ---- the rest -----------------------------------------------------------------------------------

function markMatch(name: 'mark' | 'connmark'): ModuleSpec {
  return {
    options: { mark: 1 },
    invertible: ['mark'],
    build(opts) {
      const info: XtModuleInfo = { kind: 'mark', match: parseMarkMatchOptions(words(opts), name) };
      return { text: printModuleInfo(name, info), info };
    },
  };
}

const comment: ModuleSpec = {
  options: { comment: 1 },
  build(opts, ctx) {
    once(opts);
    const text = opts[0]?.values[0];
    if (text === undefined) throw new InputError('comment', '', '"--comment" must be specified');
    const info: XtModuleInfo = { kind: 'comment', text };
    checkModuleInfo('comment', info, ctx);
    return { text: printModuleInfo('comment', info), info, words: ['--comment', text] };
  },
};

/** A module whose one option is carried as written (icmp types are kept by name or number). */
function carriedOption(option: string): ModuleSpec {
  return {
    options: { [option]: 1 },
    invertible: [option],
    build(opts) {
      once(opts);
      const o = opts[0];
      if (!o) return { text: '' };
      return { text: `${o.invert ? '! ' : ''}--${option} ${o.values[0]}` };
    },
  };
}

export const MATCH_MODULES: Readonly<Record<string, ModuleSpec>> = {
  icmp: carriedOption('icmp-type'),
  icmp6: carriedOption('icmpv6-type'),
  mark: markMatch('mark'),
  connmark: markMatch('connmark'),
  tcp: portModule(true),
  udp: portModule(false),
  multiport,
  state: stateModule('state'),
  comment,
};

/** `conntrack` is only modelled when `--ctstate` is its one option. */
export const CONNTRACK_CTSTATE = stateModule('ctstate');

/** libipt_REJECT / libip6t_REJECT names and aliases, to the name iptables-save prints. */
function rejectNames(pairs: readonly [string, string][]): Readonly<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [name, alias] of pairs) {
    out[name] = name;
    out[alias] = name;
  }
  return out;
}
const REJECT_V4 = rejectNames([
  ['icmp-net-unreachable', 'net-unreach'],
  ['icmp-host-unreachable', 'host-unreach'],
  ['icmp-port-unreachable', 'port-unreach'],
  ['icmp-proto-unreachable', 'proto-unreach'],
  ['icmp-net-prohibited', 'net-prohib'],
  ['icmp-host-prohibited', 'host-prohib'],
  ['icmp-admin-prohibited', 'admin-prohib'],
  ['tcp-reset', 'tcp-rst'],
]);
const REJECT_V6 = rejectNames([
  ['icmp6-no-route', 'no-route'],
  ['icmp6-adm-prohibited', 'adm-prohibited'],
  ['icmp6-addr-unreachable', 'addr-unreach'],
  ['icmp6-port-unreachable', 'port-unreach'],
  ['tcp-reset', 'tcp-rst'],
  ['icmp6-policy-fail', 'policy-fail'],
  ['icmp6-reject-route', 'reject-route'],
]);

const MARK_OPTS = { 'set-xmark': 1, 'set-mark': 1, 'and-mark': 1, 'or-mark': 1, 'xor-mark': 1 };

export const TARGET_MODULES: Readonly<Record<string, ModuleSpec>> = {
  MARK: {
    options: MARK_OPTS,
    build(opts) {
      const info: XtModuleInfo = { kind: 'MARK', info: parseMarkTargetOptions(words(opts)) };
      return { text: printModuleInfo('MARK', info), info };
    },
  },
  CONNMARK: {
    options: {
      ...MARK_OPTS,
      'save-mark': 0,
      'restore-mark': 0,
      ctmask: 1,
      nfmask: 1,
      mask: 1,
      'left-shift-mark': 1,
      'right-shift-mark': 1,
    },
    build(opts) {
      const info: XtModuleInfo = { kind: 'CONNMARK', info: parseConnmarkTargetOptions(words(opts)) };
      return { text: printModuleInfo('CONNMARK', info), info };
    },
  },
  SECMARK: {
    options: { selctx: 1 },
    build(opts, ctx) {
      once(opts);
      const selctx = opts[0]?.values[0];
      if (selctx === undefined) throw new InputError('SECMARK', '', 'needs --selctx');
      const info: XtModuleInfo = { kind: 'SECMARK', selctx };
      checkModuleInfo('SECMARK', info, ctx);
      return { text: printModuleInfo('SECMARK', info), info };
    },
  },
  CONNSECMARK: {
    options: { save: 0, restore: 0 },
    build(opts) {
      if (opts.length !== 1) {
        throw new InputError('CONNSECMARK', words(opts).join(' '), 'needs exactly one of --save, --restore');
      }
      const info: XtModuleInfo = { kind: 'CONNSECMARK', mode: opts[0]!.name as 'save' | 'restore' };
      return { text: printModuleInfo('CONNSECMARK', info), info };
    },
  },
  REJECT: {
    options: { 'reject-with': 1 },
    build(opts, ctx) {
      once(opts);
      const info: XtModuleInfo = { kind: 'REJECT', with: rejectType(opts[0]?.values[0], ctx.family) };
      checkModuleInfo('REJECT', info, ctx);
      return { text: printModuleInfo('REJECT', info), info };
    },
  },
};

/** The reject type iptables-save prints for a `--reject-with` value (aliases resolved, the default when absent). */
export function rejectType(given: string | undefined, family: 4 | 6): string {
  if (given === undefined) return family === 4 ? 'icmp-port-unreachable' : 'icmp6-port-unreachable';
  const names = family === 4 ? REJECT_V4 : REJECT_V6;
  const reject = Object.hasOwn(names, given) ? names[given] : undefined;
  if (reject === undefined) {
    throw new InputError(
      '--reject-with',
      given,
      `is an unknown reject type (expected one of ${[...new Set(Object.values(names))].join(', ')})`,
    );
  }
  return reject;
}

// ---- one printer and one check per modelled module, for rules read and rules written ----------------

/** The option words iptables-save prints for a module we model, from what we know of it. */
export function printModuleInfo(name: string, info: XtModuleInfo): string {
  switch (info.kind) {
    case 'mark':
      return formatMarkMatch(info.match);
    case 'ports':
      return name === 'multiport' ? printMultiport(info) : printPortPair(info);
    case 'ctstate':
      return `${info.invert ? '! ' : ''}--${name === 'state' ? 'state' : 'ctstate'} ${formatStates(info.states)}`;
    case 'ctdir':
      return `--ctdir ${info.direction.toUpperCase()}`;
    case 'comment':
      return `--comment ${saveString(info.text)}`;
    case 'MARK':
      return formatMarkTarget(info.info);
    case 'CONNMARK':
      return formatConnmarkTarget(info.info);
    case 'SECMARK':
      return `--selctx ${info.selctx}`;
    case 'CONNSECMARK':
      return `--${info.mode}`;
    case 'REJECT':
      return `--reject-with ${info.with}`;
  }
}

/** What iptables or the kernel refuses in a modelled module given the rule's family and protocol. */
export function checkModuleInfo(name: string, info: XtModuleInfo, ctx: ModuleContext): void {
  const proto = ctx.proto && !ctx.proto.invert ? ctx.proto.name : undefined;
  if (name === 'multiport' && info.kind === 'ports') {
    if (proto === undefined || !MULTIPORT_PROTOS.includes(proto)) {
      throw new InputError(
        'multiport',
        ctx.proto?.name ?? '',
        "needs `-p tcp', `-p udp', `-p udplite', `-p sctp' or `-p dccp'",
      );
    }
    const ports = (info.src ?? info.dst ?? info.either)!;
    const slots = ports.ranges.reduce((n, r) => n + (r[0] === r[1] ? 1 : 2), 0);
    if (slots > 15) {
      const option = info.src ? 'sports' : info.dst ? 'dports' : 'ports';
      throw new InputError(
        `--${option}`,
        ports.ranges.map(formatRange).join(','),
        'has more than 15 ports (a range counts as two)',
      );
    }
  }
  if (info.kind === 'comment' && info.text.length > 255)
    throw new InputError('--comment', info.text, 'is longer than 255 characters');
  if (info.kind === 'SECMARK' && info.selctx.length > 255)
    throw new InputError('--selctx', info.selctx, 'is longer than 255 characters');
  // The kernel's reject_tg_check refuses a TCP reset for anything but -p tcp.
  if (info.kind === 'REJECT' && info.with === 'tcp-reset' && proto !== 'tcp')
    throw new InputError('--reject-with', info.with, 'tcp-reset needs -p tcp');
}

// ---- lookups by a word of the input ------------------------------------------------------------------
// Maps rather than property reads: a word such as `constructor` is never an Object.prototype member, and a
// large file's words are hashed once instead of being interned on every keyed read.

const MATCH_BY_NAME: ReadonlyMap<string, ModuleSpec> = new Map(Object.entries(MATCH_MODULES));
const TARGET_BY_NAME: ReadonlyMap<string, ModuleSpec> = new Map(Object.entries(TARGET_MODULES));
const ARITY = new Map<ModuleSpec, ReadonlyMap<string, number>>(
  [...MATCH_BY_NAME.values(), ...TARGET_BY_NAME.values(), CONNTRACK_CTSTATE].map((spec) => [
    spec,
    new Map(Object.entries(spec.options)),
  ]),
);

/** The modelled match module of this name, or null when it is carried. */
export const matchSpec = (name: string): ModuleSpec | null => MATCH_BY_NAME.get(name) ?? null;
/** The modelled target module of this name, or null when it is carried. */
export const targetSpec = (name: string): ModuleSpec | null => TARGET_BY_NAME.get(name) ?? null;
/** How many values the module's option `name` (without `--`) takes, or undefined when it has no such option. */
export const optionArity = (spec: ModuleSpec, name: string): number | undefined => ARITY.get(spec)?.get(name);
