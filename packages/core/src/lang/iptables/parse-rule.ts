import { InputError } from '../../bits/errors';
import { ParseError } from '../errors';
import { canonicalCarriedWords, checkCarriedModule } from './carried';
import { TARGET_EXTENSIONS } from './extensions';
import { parseXtAddress, protoName, protoNumber } from './generic';
import {
  type ModuleContext,
  type ModuleSpec,
  matchSpec,
  optionArity,
  targetSpec,
  type XtOpt,
} from './modules';
import { checkProtocolNeeds, conntrackModule, reason } from './rule-checks';
import { quoteIfNeeded, type Token, tokenize, UnterminatedQuote, wordsOf } from './tokenize';
import { STANDARD_TARGETS, type XtModule, type XtProto, type XtRule, type XtTarget } from './xt-rule';

export interface XtParseContext {
  readonly family: 4 | 6;
  /** 1-based line for error positions. */
  readonly line?: number;
  /** Column of the first character of the text (after `-A CHAIN `). */
  readonly column?: number;
  /** Name used in error messages, e.g. a file name. */
  readonly source?: string;
  /**
   * Accept `-s ! ADDR` / `--dport ! 22`, the negation written after the option that iptables-save printed
   * before 1.4.3. Current iptables refuses it on the command line.
   */
  readonly legacyNegation?: boolean;
}

/** Generic options by spelling; a Map so that option words are hashed, not interned, on each lookup. */
const GENERIC: ReadonlyMap<string, string> = new Map([
  ['-s', 's'],
  ['--source', 's'],
  ['--src', 's'],
  ['-d', 'd'],
  ['--destination', 'd'],
  ['--dst', 'd'],
  ['-i', 'i'],
  ['--in-interface', 'i'],
  ['-o', 'o'],
  ['--out-interface', 'o'],
  ['-p', 'p'],
  ['--protocol', 'p'],
  ['-f', 'f'],
  ['--fragment', 'f'],
  ['-m', 'm'],
  ['--match', 'm'],
  ['-j', 'j'],
  ['--jump', 'j'],
  ['-g', 'g'],
  ['--goto', 'g'],
  ['-c', 'c'],
  ['--set-counters', 'c'],
  ['-4', '4'],
  ['--ipv4', '4'],
  ['-6', '6'],
  ['--ipv6', '6'],
]);

/** Module option words (`--dport`, `--comment`) outnumber generic ones: reject them before hashing the word. */
function genericOption(word: string): string | undefined {
  const n = word.length;
  if (n < 2 || word.charCodeAt(0) !== 45) return undefined;
  if (n === 2) return GENERIC.get(word);
  // Long generic options are --src, --dst, --goto, --jump, --ipv4/6, --match or one of SDIOPFM-initial.
  if (word.charCodeAt(1) !== 45) return undefined;
  switch (word.charCodeAt(2)) {
    case 115: // s
    case 100: // d
    case 105: // i
    case 111: // o
    case 112: // p
    case 102: // f
    case 109: // m
    case 106: // j
    case 103: // g
      return GENERIC.get(word);
    default:
      return undefined;
  }
}

/** Protocols whose match iptables loads by itself when one of its options is used after `-p`. */
const IMPLICIT: ReadonlyMap<string, string> = new Map([
  ['tcp', 'tcp'],
  ['udp', 'udp'],
  ['icmp', 'icmp'],
  ['ipv6-icmp', 'icmp6'],
]);

interface OpenModule {
  readonly name: string;
  readonly column: number;
  readonly spec: ModuleSpec | null;
  readonly opts: XtOpt[];
  /** Words of an unknown module, as written. */
  readonly raw: string[];
  readonly isTarget: boolean;
}

/** Parse the words of a rule after `-A CHAIN` into an XtRule, refusing what iptables refuses. */
export function parseXtRule(text: string, ctx: XtParseContext): XtRule {
  const line = ctx.line ?? 1;
  const col0 = ctx.column ?? 1;
  const fail = (column: number, expected: string, found: string): never => {
    throw new ParseError({ line, column }, expected, found, ctx.source);
  };
  let tokens: Token[];
  try {
    tokens = tokenize(text, col0);
  } catch (e) {
    if (e instanceof UnterminatedQuote) fail(e.column, 'a closing double quote', text.slice(e.column - col0));
    throw e;
  }
  const rule: {
    -readonly [K in keyof XtRule]: XtRule[K];
  } = { matches: [] };
  const modules: OpenModule[] = [];
  let target: OpenModule | null = null;
  let targetPlain: XtTarget | undefined;
  let last: OpenModule | null = null;
  const seenGeneric = new Set<string>();

  const valueAt = (i: number, opt: Token): Token => {
    const v = tokens[i];
    if (!v) return fail(opt.column + opt.text.length, `a value after ${opt.text}`, 'end of rule');
    return v;
  };

  for (let i = 0; i < tokens.length; i++) {
    let tok = tokens[i]!;
    let invert = false;
    if (tok.text === '!' && !tok.quoted) {
      invert = true;
      const next = tokens[i + 1];
      if (!next) fail(tok.column + 1, 'an option after "!"', 'end of rule');
      tok = next!;
      i++;
    }
    const generic = tok.quoted ? undefined : genericOption(tok.text);
    if (generic) {
      if (seenGeneric.has(generic) && 'sdiopfjgc'.includes(generic)) {
        fail(tok.column, `at most one ${tok.text}`, tok.text);
      }
      if (generic !== 'm') seenGeneric.add(generic);
      if (invert && !'sdiopf'.includes(generic)) fail(tok.column, `an invertible option after "!"`, tok.text);
      if (generic === '4' || generic === '6') {
        if (Number(generic) !== ctx.family) fail(tok.column, `an IPv${ctx.family} rule`, tok.text);
        continue;
      }
      if (generic === 'f') {
        if (ctx.family === 6) fail(tok.column, 'no -f in an IPv6 rule (use -m frag)', tok.text);
        rule.fragment = { invert };
        continue;
      }
      let value = valueAt(++i, tok);
      if (ctx.legacyNegation && value.text === '!' && !value.quoted && !invert) {
        invert = true;
        value = valueAt(++i, tok);
      }
      try {
        switch (generic) {
          case 's':
          case 'd': {
            const a = parseXtAddress(value.text, ctx.family, tok.text);
            rule[generic === 's' ? 'src' : 'dst'] = a.cidr
              ? { text: a.text, cidr: a.cidr, invert }
              : { text: a.text, invert };
            break;
          }
          case 'i':
          case 'o':
            if (value.text.length > 15 || value.text === '') {
              fail(value.column, 'an interface name of 1-15 characters', value.text);
            }
            rule[generic === 'i' ? 'iif' : 'oif'] = { name: value.text, invert };
            break;
          case 'p': {
            const n = protoNumber(value.text);
            if (n === 0 && invert) fail(value.column, 'a protocol other than all after "!"', value.text);
            if (n !== 0) rule.proto = { name: protoName(n), number: n, invert };
            break;
          }
          case 'c': {
            const bytes = valueAt(++i, value);
            if (!/^[0-9]+$/.test(value.text) || !/^[0-9]+$/.test(bytes.text)) {
              fail(value.column, 'two counter values (-c PACKETS BYTES)', `${value.text} ${bytes.text}`);
            }
            rule.counters = { packets: Number(value.text), bytes: Number(bytes.text) };
            break;
          }
          case 'm': {
            const name = value.text;
            const mod: OpenModule = {
              name,
              column: value.column,
              spec: matchSpec(name),
              opts: [],
              raw: [],
              isTarget: false,
            };
            modules.push(mod);
            last = mod;
            break;
          }
          case 'j':
          case 'g': {
            if (seenGeneric.has(generic === 'j' ? 'g' : 'j'))
              fail(tok.column, 'only one of -j and -g', tok.text);
            const name = value.text;
            const standard = (STANDARD_TARGETS as readonly string[]).includes(name);
            const nextIsOption = tokens[i + 1]?.text.startsWith('--') ?? false;
            const isModule =
              generic === 'j' &&
              !standard &&
              (targetSpec(name) !== null || TARGET_EXTENSIONS.has(name) || nextIsOption);
            if (isModule) {
              target = {
                name,
                column: value.column,
                spec: targetSpec(name),
                opts: [],
                raw: [],
                isTarget: true,
              };
              last = target;
            } else if (standard) {
              if (generic === 'g') fail(value.column, 'a user chain after -g', name);
              targetPlain = { kind: 'standard', name: name as 'ACCEPT' };
            } else {
              if (!isChainName(name)) {
                fail(value.column, 'a chain name of 1-28 characters', name);
              }
              targetPlain = { kind: 'chain', name, goto: generic === 'g' };
            }
            break;
          }
        }
      } catch (e) {
        if (e instanceof InputError && !(e instanceof ParseError)) fail(value.column, reason(e), value.text);
        throw e;
      }
      continue;
    }
    // A module option: give it to the module that claims it.
    if (!tok.text.startsWith('--') || tok.quoted) {
      if (last && !last.spec) {
        last.raw.push(...(invert ? ['!'] : []), tok.text);
        continue;
      }
      fail(tok.column, 'an option (such as -s, -p, -m NAME, -j TARGET)', tok.text);
    }
    const name = tok.text.slice(2);
    let owner = findOwner(name, target, modules);
    const implicit = rule.proto && !rule.proto.invert ? IMPLICIT.get(rule.proto.name) : undefined;
    if (!owner && implicit) {
      const spec = matchSpec(implicit)!;
      if (optionArity(spec, name) !== undefined && !modules.some((m) => m.name === implicit)) {
        owner = { name: implicit, column: tok.column, spec, opts: [], raw: [], isTarget: false };
        modules.push(owner);
      }
    }
    if (!owner) {
      if (last && !last.spec) {
        last.raw.push(...(invert ? ['!'] : []), tok.text);
        continue;
      }
      fail(tok.column, 'an option of a loaded match or target', tok.text);
    }
    const mod = owner!;
    const arity = optionArity(mod.spec!, name)!;
    if (invert && !(mod.spec!.invertible ?? []).includes(name))
      fail(tok.column, `an option that can be inverted`, `! ${tok.text}`);
    const values: string[] = [];
    const valueColumns: number[] = [];
    if (ctx.legacyNegation && arity > 0 && tokens[i + 1]?.text === '!' && !tokens[i + 1]?.quoted && !invert) {
      invert = true;
      i++;
    }
    for (let k = 0; k < arity; k++) {
      const v = valueAt(++i, tok);
      values.push(v.text);
      valueColumns.push(v.column);
    }
    mod.opts.push({ name, invert, values, column: tok.column, valueColumns });
  }

  const proto = rule.proto;
  const matches: XtModule[] = new Array(modules.length);
  for (let k = 0; k < modules.length; k++) matches[k] = buildModule(modules[k]!, proto, fail, ctx);
  rule.matches = matches;
  if (target) rule.target = { kind: 'module', module: buildModule(target, proto, fail, ctx) };
  else if (targetPlain) rule.target = targetPlain;
  checkProtocolNeeds(rule, fail, tokens[0]?.column ?? col0);
  return rule;
}

function findOwner(
  name: string,
  target: OpenModule | null,
  modules: readonly OpenModule[],
): OpenModule | null {
  if (target?.spec && optionArity(target.spec, name) !== undefined) return target;
  for (let k = modules.length - 1; k >= 0; k--) {
    const m = modules[k]!;
    if (m.spec && optionArity(m.spec, name) !== undefined) return m;
  }
  return null;
}

type Fail = (column: number, expected: string, found: string) => never;

/** A module's checked, canonical form; a top-level function so the rule loop stays small to compile. */
function buildModule(m: OpenModule, proto: XtProto | undefined, fail: Fail, ctx: XtParseContext): XtModule {
  if (!m.spec) {
    if (m.isTarget === false && m.name === 'conntrack') return conntrackModule(m, proto, fail, ctx);
    const problem = checkCarriedModule(m.name, m.raw, m.isTarget);
    if (problem) fail(m.column, problem, m.name);
    const words = canonicalCarriedWords(m.name, m.raw, m.isTarget);
    return { name: m.name, text: words.map(quoteIfNeeded).join(' '), known: false, words };
  }
  try {
    const moduleContext: ModuleContext = proto ? { family: ctx.family, proto } : { family: ctx.family };
    const built = m.spec.build(m.opts, moduleContext);
    // The words of a modelled module are its canonical text, so the IR does not depend on the spelling.
    const words = built.words ?? wordsOf(built.text);
    // Built without spreads: this runs for every module of every rule.
    return built.info
      ? { name: m.name, text: built.text, known: true, words, info: built.info }
      : { name: m.name, text: built.text, known: true, words };
  } catch (e) {
    if (e instanceof InputError && !(e instanceof ParseError)) {
      // Point at the offending value, or at the option itself when the option is the problem.
      const byValue = m.opts.find((o) => e.field === `--${o.name}` && o.values.includes(String(e.value)));
      const byName = m.opts.findLast((o) => e.field === `--${o.name}`);
      const at = byValue
        ? (byValue.valueColumns?.[byValue.values.indexOf(String(e.value))] ?? byValue.column)
        : (byName?.column ?? m.column);
      fail(
        at,
        `valid ${m.name} options: ${reason(e)}`,
        byValue ? String(e.value) : byName ? `--${byName.name}` : m.name,
      );
    }
    throw e;
  }
}

/** 1-28 characters, not starting with `-` or `!`, no blanks after the first (what iptables accepts). */
function isChainName(name: string): boolean {
  const n = name.length;
  if (n === 0 || n > 28) return false;
  const first = name.charCodeAt(0);
  if (first === 45 || first === 33) return false;
  // Printable ASCII is never blank; only other characters need the full whitespace class.
  for (let k = 1; k < n; k++) {
    const c = name.charCodeAt(k);
    if (c < 33 || c > 126) return !/\s/.test(name.slice(1));
  }
  return true;
}
