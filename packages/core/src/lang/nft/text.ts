import type { ChainType, Family, Hook, NamedSet, Ruleset, SecmarkObject, SetElement } from '../../ir/types';
import { type Token, TokenStream, tokenize } from './lexer';
import { priorityValue } from './priority';
import { parseRuleTokens } from './rule';
import { type ChainB, RulesetBuilder, type TableB } from './ruleset-builder';
import { parseNftSetElement } from './set-element';
import { isXtablesTable, xtConnmarkFromListing } from './xt-listing';

// `nft list ruleset` output and /etc/nftables.conf scripts (nested blocks and `add ...` commands) -> IR.

const FAMILIES = new Set(['ip', 'ip6', 'inet', 'arp', 'bridge', 'netdev']);

/** Replace `$name` words with the tokens of `define name = ...`. */
function expandDefines(tokens: Token[], ts: TokenStream): Token[] {
  const defs = new Map<string, Token[]>();
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const lineStart = i === 0 || tokens[i - 1]!.kind === 'newline' || tokens[i - 1]!.text === ';';
    if (lineStart && t.kind === 'word' && (t.text === 'define' || t.text === 'redefine')) {
      const name = tokens[i + 1];
      if (name?.kind !== 'word' || tokens[i + 2]?.text !== '=') ts.fail('`define NAME = VALUE`', i);
      let j = i + 3;
      const value: Token[] = [];
      let depth = 0;
      for (; j < tokens.length; j++) {
        const v = tokens[j]!;
        if (depth === 0 && (v.kind === 'newline' || v.text === ';')) break;
        if (v.text === '{') depth++;
        if (v.text === '}') depth--;
        value.push(
          ...(v.kind === 'word' && v.text.startsWith('$') ? (defs.get(v.text.slice(1)) ?? [v]) : [v]),
        );
      }
      defs.set(name.text, value);
      i = j;
      continue;
    }
    if (t.kind === 'word' && t.text.startsWith('$') && defs.has(t.text.slice(1)))
      out.push(...defs.get(t.text.slice(1))!);
    else if (t.kind === 'word' && t.text.startsWith('@$') && defs.has(t.text.slice(2))) {
      out.push({ ...t, text: `@${defs.get(t.text.slice(2))![0]!.text}` });
    } else out.push(t);
  }
  return out;
}

/** Parse an nft ruleset script or `nft list ruleset` output. */
export function parseNftText(text: string): Ruleset {
  const raw = tokenize(text, 'nft');
  const ts0 = new TokenStream(raw, text, 'nft');
  const ts = new TokenStream(expandDefines(raw, ts0), text, 'nft');
  const b = new RulesetBuilder();
  for (;;) {
    skipSeparators(ts);
    if (ts.atEnd()) break;
    b.order.next();
    topLevel(ts, b);
  }
  b.order.check(ts);
  return b.build();
}

function skipSeparators(ts: TokenStream): void {
  while (!ts.atEnd() && (ts.peek()!.kind === 'newline' || ts.is(';'))) ts.index++;
}

/** Tokens up to the end of the line (or `;`) outside braces. */
function lineEnd(ts: TokenStream, stopAtBrace = false): number {
  let depth = 0;
  let i = ts.index;
  for (; i < ts.tokens.length; i++) {
    const t = ts.tokens[i]!;
    if (t.kind === 'punct' && t.text === '{') depth++;
    else if (t.kind === 'punct' && t.text === '}') {
      if (depth === 0 && stopAtBrace) break;
      depth--;
    } else if (depth === 0 && (t.kind === 'newline' || (t.kind === 'punct' && t.text === ';'))) break;
  }
  return i;
}

function sub(ts: TokenStream, end: number): TokenStream {
  const tokens = ts.tokens.slice(ts.index, end).filter((t) => t.kind !== 'newline');
  ts.index = end;
  return new TokenStream(tokens, ts.text, ts.source);
}

function familyAndName(ts: TokenStream): [Family, string] {
  const first = ts.word('a table family or name');
  if (FAMILIES.has(first) && ts.peek()?.kind === 'word') return [first as Family, ts.word('a table name')];
  return ['ip', first];
}

function topLevel(ts: TokenStream, b: RulesetBuilder): void {
  const at = ts.index;
  const verb = ts.word('a command (table, add, flush, define, include)');
  if (verb === 'table') {
    const [family, name] = familyAndName(ts);
    const t = b.table(family, name);
    if (ts.accept('{')) tableBody(ts, b, t);
    return;
  }
  if (verb === 'flush' || verb === 'include' || verb === 'delete' || verb === 'destroy' || verb === 'list') {
    ts.index = lineEnd(ts);
    return;
  }
  if (verb !== 'add' && verb !== 'create' && verb !== 'insert')
    ts.fail('a command (table, add, flush, define, include)', at);
  const what = ts.word('table, chain, rule, set, map or element');
  if (what === 'table') {
    const [family, name] = familyAndName(ts);
    const t = b.table(family, name);
    if (ts.accept('{')) tableBody(ts, b, t);
    return;
  }
  const [family, tname] = familyAndName(ts);
  const t = b.table(family, tname);
  const name = ts.word(`a ${what} name`);
  if (what === 'chain') {
    const c = b.chain(t, name);
    if (ts.accept('{')) chainBody(ts, b, t, c);
  } else if (what === 'rule') {
    if (ts.accept('position') || ts.accept('index') || ts.accept('handle')) ts.word('a number');
    const firstIndex = ts.index;
    const first = ts.tokens[firstIndex];
    const parsed = parseRuleTokens(sub(ts, lineEnd(ts))).rule;
    const rule = first
      ? { ...parsed, source: { line: lineOf(ts.text, first.offset), text: ruleText(ts.text, first.offset) } }
      : parsed;
    const c = b.chain(t, name);
    b.order.rule(`${family} ${tname}`, rule, firstIndex);
    if (verb === 'insert') c.rules.unshift(rule);
    else c.rules.push(rule);
  } else if (what === 'set' || what === 'map') {
    ts.expect('{');
    t.sets.set(name, setBody(ts, name, what === 'map'));
  } else if (what === 'element') {
    const s = t.sets.get(name);
    if (!s) ts.fail(`an existing set name (no set ${name} in table ${tname})`, at);
    ts.expect('{');
    const elements = elementList(ts, s.isMap, markKeyed(s.type));
    t.sets.set(name, { ...s, elements: [...s.elements, ...elements] });
  } else if (what === 'secmark') {
    ts.expect('{');
    t.secmarks.push(secmarkBody(ts, name));
  } else ts.index = lineEnd(ts);
}

function tableBody(ts: TokenStream, b: RulesetBuilder, t: TableB): void {
  for (;;) {
    skipSeparators(ts);
    if (ts.accept('}')) return;
    const at = ts.index;
    const kw = ts.word('chain, set, map, secmark, flags or `}`');
    if (kw === 'chain') {
      const c = b.chain(t, ts.word('a chain name'));
      ts.expect('{');
      chainBody(ts, b, t, c);
    } else if (kw === 'set' || kw === 'map') {
      const name = ts.word('a set name');
      ts.expect('{');
      t.sets.set(name, setBody(ts, name, kw === 'map'));
    } else if (kw === 'secmark') {
      const name = ts.word('a secmark name');
      ts.expect('{');
      t.secmarks.push(secmarkBody(ts, name));
    } else if (kw === 'flags') {
      do t.flags.push(ts.word('a table flag'));
      while (ts.accept(','));
    } else if (kw === 'comment') t.comment = ts.next('a comment').text;
    else if (kw === 'include') ts.index = lineEnd(ts);
    else if (ts.peek()?.kind === 'word') {
      // Stateful objects (counter, quota, limit, ct helper, flowtable ...): kept verbatim.
      const words = [kw];
      while (!ts.atEnd() && !ts.is('{')) words.push(ts.word('an object name'));
      const name = words.pop()!;
      const kind = words.join(' ');
      // Counter and quota values are state (like rule counters), not configuration.
      const body = blockLines(ts).filter((l) => !(kind === 'counter' && /^packets \d+ bytes \d+$/.test(l)));
      t.objects.push({ kind, name, body });
    } else ts.fail('chain, set, map, secmark, flags or `}`', at);
  }
}

/** The statements of a `{ ... }` block, one per line or `;`, tokens joined by single spaces. */
function blockLines(ts: TokenStream): string[] {
  ts.expect('{');
  const lines: string[] = [];
  for (;;) {
    skipSeparators(ts);
    if (ts.accept('}')) return lines;
    const end = lineEnd(ts, true);
    lines.push(ts.slice(ts.index, end).replace(/\s+,/g, ','));
    ts.index = end;
  }
}

function chainBody(ts: TokenStream, b: RulesetBuilder, t: TableB, c: ChainB): void {
  for (;;) {
    skipSeparators(ts);
    if (ts.accept('}')) return;
    if (ts.is('type') && ts.peek(2)?.text === 'hook') {
      ts.index++;
      const type = ts.word('a chain type (filter, route, nat)') as ChainType;
      ts.expect('hook');
      const hook = ts.word('a hook') as Hook;
      let device: string | undefined;
      if (ts.accept('device')) device = ts.word('a device name');
      if (ts.accept('devices')) {
        ts.expect('=');
        device = sub(ts, lineEnd(ts)).slice(0);
      }
      ts.expect('priority');
      const pEnd = lineEnd(ts, true);
      const prioText = ts.slice(ts.index, pEnd);
      const priority = priorityValue(prioText, t.family, hook, ts, ts.index);
      ts.index = pEnd;
      c.base = {
        type,
        hook,
        priority,
        policy: c.base?.policy ?? 'accept',
        ...(device !== undefined ? { device } : {}),
      };
      continue;
    }
    if (ts.is('policy')) {
      ts.index++;
      const policy = ts.word('accept or drop');
      if (policy !== 'accept' && policy !== 'drop') ts.fail('accept or drop', ts.index - 1);
      if (c.base) c.base = { ...c.base, policy };
      continue;
    }
    if (ts.is('comment') && (ts.peek(2)?.kind === 'newline' || ts.peek(2)?.text === ';')) {
      ts.index += 2;
      continue;
    }
    if (ts.atEnd()) ts.fail('`}` closing the chain');
    const end = lineEnd(ts, true);
    const line = ts.tokens[ts.index]!;
    const ruleStart = ts.index;
    const parsed = parseRuleTokens(sub(ts, end)).rule;
    const text = lineText(ts.text, line.offset);
    const rule = isXtablesTable(t.family, t.name) ? xtConnmarkFromListing(parsed, text) : parsed;
    b.order.rule(`${t.family} ${t.name}`, rule, ruleStart);
    c.rules.push({ ...rule, source: { line: lineOf(ts.text, line.offset), text } });
  }
}

/** The rule text from its first token to the end of its line. */
const ruleText = (text: string, offset: number): string => {
  const e = text.indexOf('\n', offset);
  return text.slice(offset, e < 0 ? undefined : e).trim();
};
/** 1-based line of an offset; line starts are computed once per text (rulesets have thousands of rules). */
let lastLines: { text: string; starts: number[] } | null = null;
function lineOf(text: string, offset: number): number {
  if (!lastLines || lastLines.text !== text) {
    const starts = [0];
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    lastLines = { text, starts };
  }
  const { starts } = lastLines;
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}
const lineText = (text: string, offset: number): string => {
  const s = text.lastIndexOf('\n', offset - 1) + 1;
  const e = text.indexOf('\n', offset);
  return text.slice(s, e < 0 ? undefined : e).trim();
};

function setBody(ts: TokenStream, name: string, isMap: boolean): NamedSet {
  let type = '';
  const flags: string[] = [];
  let elements: SetElement[] = [];
  const extra: string[] = [];
  for (;;) {
    skipSeparators(ts);
    if (ts.accept('}')) return { name, type, isMap, flags, elements, ...(extra.length ? { extra } : {}) };
    const kw = ts.word('type, typeof, flags, elements or `}`');
    if (kw === 'type' || kw === 'typeof') {
      const end = lineEnd(ts, true);
      type = `${kw === 'typeof' ? 'typeof ' : ''}${ts.slice(ts.index, end)}`;
      ts.index = end;
    } else if (kw === 'flags') {
      do flags.push(ts.word('a set flag'));
      while (ts.accept(','));
    } else if (kw === 'elements') {
      ts.expect('=');
      ts.expect('{');
      elements = elementList(ts, isMap, markKeyed(type));
    } else {
      const end = lineEnd(ts, true);
      extra.push(ts.slice(ts.index - 1, end));
      ts.index = end;
    }
  }
}

/** Sets keyed by marks print their numbers as 0x%08x. */
const markKeyed = (type: string): boolean => /^(typeof )?(meta mark|ct mark|mark)(\s|$)/.test(type);

function elementList(ts: TokenStream, isMap: boolean, markKeys = false): SetElement[] {
  const out: SetElement[] = [];
  for (;;) {
    while (ts.peek()?.kind === 'newline') ts.index++;
    if (ts.accept('}')) return out;
    let depth = 0;
    const from = ts.index;
    while (!ts.atEnd()) {
      const t = ts.peek()!;
      if (t.kind === 'punct' && depth === 0 && (t.text === ',' || t.text === '}')) break;
      if (t.text === '{') depth++;
      if (t.text === '}') depth--;
      ts.index++;
    }
    const words = ts.tokens.slice(from, ts.index).filter((t) => t.kind !== 'newline');
    if (!words.length) ts.fail('a set element');
    out.push(parseNftSetElement(words, isMap, markKeys));
    ts.accept(',');
  }
}

function secmarkBody(ts: TokenStream, name: string): SecmarkObject {
  skipSeparators(ts);
  const ctx = ts.next('a security context string');
  skipSeparators(ts);
  ts.expect('}');
  return { name, context: ctx.text };
}
