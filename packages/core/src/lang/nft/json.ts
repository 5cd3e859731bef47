import { InputError } from '../../bits/errors';
import { foldToWrite, NftExprError } from '../../bits/nft-ops';
import { hex8 } from '../../bits/u32';
import type {
  BaseChainSpec,
  ChainType,
  Family,
  Hook,
  NamedSet,
  OpaqueExpr,
  Rule,
  RuleExpr,
  Ruleset,
  SetElement,
  Verdict,
} from '../../ir/types';
import { xtExtension, xtTouchesMarks } from '../../ir/xt-extension';
import { JsonTextError, parseStrictJson } from '../../json/strict-json';
import { ParseError, positionAt } from '../errors';
import { mentionsMark } from './expr';
import { jsonExpr, jsonExprText, jsonRhs, soleKey } from './json-expr';
import { TokenStream } from './lexer';
import { lowerMap, lowerMatch, lowerVmap, parseVerdict } from './lower';
import { RulesetBuilder } from './ruleset-builder';
import { anonymousChainText, canonicalReject } from './statements';
import { cidrValue, rangeValue, u32Value } from './values';

// `nft -j list ruleset` output (and `nft -j -f` command lists) -> IR. Field paths in errors follow the JSON.

type Json = unknown;
const isObj = (v: Json): v is Record<string, Json> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const COMMANDS = new Set(['add', 'create', 'insert', 'replace']);
const SKIPPED_COMMANDS = new Set(['flush', 'delete', 'destroy', 'list', 'reset', 'rename']);

/** A dummy stream for the shared lowering helpers (they never fail for JSON input). */
const NO_TOKENS = new TokenStream([], '', 'json');

function str(v: Json, field: string): string {
  if (typeof v !== 'string') throw new InputError(field, v, 'expected a string');
  return v;
}

/** Parse `nft -j list ruleset` JSON (a string or an already parsed value). */
export function parseNftJson(input: string | unknown): Ruleset {
  let doc: Json = input;
  if (typeof input === 'string') {
    try {
      doc = parseStrictJson(input) as Json;
    } catch (err) {
      if (!(err instanceof JsonTextError)) throw err;
      const where = err.path ? ` at ${err.path}` : '';
      throw new ParseError(positionAt(input, err.offset), 'valid JSON', `${err.reason}${where}`, 'json');
    }
  }
  if (!isObj(doc) || !Array.isArray(doc.nftables)) {
    throw new InputError('nftables', doc, 'expected {"nftables": [...]} as `nft -j list ruleset` prints');
  }
  const b = new RulesetBuilder();
  doc.nftables.forEach((entry, i) => {
    const field = `nftables[${i}]`;
    let [kind, body] = soleKey(entry, field);
    if (SKIPPED_COMMANDS.has(kind)) return;
    if (COMMANDS.has(kind)) [kind, body] = soleKey(body, `${field}.${kind}`);
    object(b, kind, body, `${field}.${kind}`);
  });
  return b.build();
}

function object(b: RulesetBuilder, kind: string, body: Json, field: string): void {
  if (kind === 'metainfo') return;
  if (!isObj(body)) throw new InputError(field, body, 'expected an object');
  const family = str(body.family, `${field}.family`) as Family;
  if (kind === 'table') {
    const t = b.table(family, str(body.name, `${field}.name`));
    if (body.flags !== undefined)
      t.flags = Array.isArray(body.flags) ? body.flags.map(String) : [String(body.flags)];
    if (typeof body.comment === 'string') t.comment = body.comment;
    return;
  }
  const t = b.table(family, str(body.table, `${field}.table`));
  const name = str(body.name ?? body.chain, `${field}.name`);
  switch (kind) {
    case 'chain': {
      const c = b.chain(t, name);
      if (body.hook !== undefined) {
        const base: BaseChainSpec = {
          type: str(body.type, `${field}.type`) as ChainType,
          hook: str(body.hook, `${field}.hook`) as Hook,
          priority: Number(body.prio ?? 0),
          policy: body.policy === 'drop' ? 'drop' : 'accept',
          ...(typeof body.dev === 'string' ? { device: body.dev } : {}),
        };
        c.base = base;
      }
      return;
    }
    case 'rule': {
      const c = b.chain(t, str(body.chain, `${field}.chain`));
      c.rules.push(jsonRule(body, field));
      return;
    }
    case 'set':
    case 'map':
      t.sets.set(name, jsonSet(body, kind === 'map' || body.map !== undefined, field));
      return;
    case 'element': {
      const s = t.sets.get(name);
      if (!s) throw new InputError(`${field}.name`, name, 'expected an existing set');
      const elem = Array.isArray(body.elem) ? body.elem : [];
      const more = elem.map((e) => jsonElement(e, s.isMap, /^(typeof (meta |ct )?)?mark\b/.test(s.type)));
      t.sets.set(name, { ...s, elements: [...s.elements, ...more] });
      return;
    }
    case 'secmark':
      t.secmarks.push({ name, context: str(body.context, `${field}.context`) });
      return;
    default:
      // Stateful objects (counter, quota, limit, ct helper, flowtable ...) are kept verbatim.
      t.objects.push({ kind, name, body: objectBody(kind, body), raw: { [kind]: body } });
      return;
  }
}

/** nft text lines for an object's JSON fields (display only; JSON re-emission uses the raw object). */
function objectBody(kind: string, body: Record<string, Json>): string[] {
  if (kind === 'counter') return [];
  if (kind === 'ct helper')
    return [`type "${body.type}" protocol ${body.protocol}`, `l3proto ${body.l3proto}`];
  const skip = new Set(['family', 'table', 'name', 'handle']);
  return Object.entries(body)
    .filter(([k]) => !skip.has(k))
    .map(([k, v]) => `${k} ${typeof v === 'string' ? v : JSON.stringify(v)}`);
}

function typeText(v: Json): string {
  return Array.isArray(v) ? v.map(String).join(' . ') : String(v);
}

function jsonSet(body: Record<string, Json>, isMap: boolean, field: string): NamedSet {
  const type = isMap ? `${typeText(body.type)} : ${typeText(body.map)}` : typeText(body.type);
  const flags =
    body.flags === undefined ? [] : Array.isArray(body.flags) ? body.flags.map(String) : [String(body.flags)];
  const elem = body.elem === undefined ? [] : Array.isArray(body.elem) ? body.elem : [body.elem];
  if (typeof body.name !== 'string') throw new InputError(`${field}.name`, body.name, 'expected a set name');
  const extra: string[] = [];
  if (typeof body.size === 'number') extra.push(`size ${body.size}`);
  if (typeof body.policy === 'string') extra.push(`policy ${body.policy}`);
  if (typeof body.timeout === 'number') extra.push(`timeout ${body.timeout}s`);
  if (typeof body.comment === 'string') extra.push(`comment "${body.comment}"`);
  return {
    name: body.name,
    type,
    isMap,
    flags,
    elements: elem.map((e) => jsonElement(e, isMap, /^mark\b/.test(type))),
    ...(extra.length ? { extra } : {}),
  };
}

const elementKeyText = (key: Json, markKeys: boolean): string =>
  markKeys && typeof key === 'number' ? hex8(key) : jsonExprText(key);
/** Object references in map data (`: "c0"`) are quoted in nft text. */
const elementValueText = (v: Json): string =>
  typeof v === 'string' && !v.startsWith('@') ? `"${v}"` : jsonExprText(v);

function jsonElement(e: Json, isMap: boolean, markKeys = false): SetElement {
  const [k, v] = isMap && Array.isArray(e) ? [e[0], e[1]] : [e, undefined];
  const key = isObj(k) && 'elem' in k && isObj(k.elem) ? k.elem.val : k;
  let value: number | Verdict | undefined;
  if (v !== undefined) {
    value = typeof v === 'number' ? v : (u32Value(String(v)) ?? parseVerdict(jsonExprText(v)) ?? undefined);
    if (value === undefined)
      return { kind: 'opaque', text: `${elementKeyText(key, markKeys)} : ${elementValueText(v)}` };
  }
  const extra = value !== undefined ? { value } : {};
  if (typeof key === 'number') return { kind: 'range', range: [key, key], ...extra };
  if (
    isObj(key) &&
    Array.isArray(key.range) &&
    typeof key.range[0] === 'number' &&
    typeof key.range[1] === 'number'
  ) {
    return { kind: 'range', range: [key.range[0], key.range[1]], ...extra };
  }
  const text =
    isObj(key) && isObj(key.prefix)
      ? `${key.prefix.addr}/${key.prefix.len}`
      : typeof key === 'string'
        ? key
        : '';
  const cidr = cidrValue(text);
  if (cidr) return { kind: 'cidr', cidr, ...extra };
  const range = typeof key === 'string' ? rangeValue(key) : null;
  if (range) return { kind: 'range', range, ...extra };
  return {
    kind: 'opaque',
    text: v === undefined ? jsonExprText(key) : `${jsonExprText(key)} : ${jsonExprText(v)}`,
  };
}

const opaque = (raw: Json, role: 'match' | 'statement', reads: boolean, writes: boolean): OpaqueExpr => ({
  kind: 'opaque',
  text: jsonExprText(raw),
  role,
  readsMark: reads,
  writesMark: writes,
  raw,
});

function opaqueText(text: string): OpaqueExpr {
  const m = /^(jump|goto) \{([\s\S]*)\}$/.exec(text.trim());
  const t = m
    ? anonymousChainText(
        m[1]!,
        m[2]!
          .split('\n')
          .map((l) => l.trim())
          .filter(Boolean),
      )
    : text;
  return { kind: 'opaque', text: t, role: 'statement', readsMark: true, writesMark: true, raw: text };
}

function jsonRule(body: Record<string, Json>, field: string): Rule {
  const exprs: RuleExpr[] = [];
  let counters: { packets: number; bytes: number } | undefined;
  const list = Array.isArray(body.expr) ? body.expr : [];
  list.forEach((stmt, i) => {
    const f = `${field}.expr[${i}]`;
    if (typeof stmt === 'string') {
      // Statements without a JSON form (anonymous chains) are listed as their nft text.
      exprs.push(opaqueText(stmt));
      return;
    }
    const [k, v] = soleKey(stmt, f);
    if (k === 'counter') {
      if (isObj(v) && typeof v.packets === 'number' && typeof v.bytes === 'number')
        counters = { packets: v.packets, bytes: v.bytes };
      if (isObj(v) && ('name' in v || 'map' in v))
        exprs.push(opaque(stmt, 'statement', JSON.stringify(v).includes('"mark"'), false));
      else exprs.push({ kind: 'counter' });
      return;
    }
    exprs.push(jsonStatement(stmt, k, v, f));
  });
  return {
    exprs,
    ...(typeof body.comment === 'string' ? { comment: body.comment } : {}),
    ...(typeof body.handle === 'number' ? { handle: body.handle } : {}),
    ...(counters ? { counters } : {}),
  };
}

function jsonVerdict(k: string, v: Json): Verdict | null {
  if (k === 'accept' || k === 'drop' || k === 'return' || k === 'continue') return { kind: k };
  if ((k === 'jump' || k === 'goto') && isObj(v) && typeof v.target === 'string')
    return { kind: k, target: v.target };
  if (k === 'reject') {
    if (!isObj(v)) return { kind: 'reject' };
    const type = String(v.type ?? '');
    if (type === 'tcp reset') return { kind: 'reject', with: 'tcp reset' };
    return canonicalReject(v.expr !== undefined ? `${type} ${v.expr}` : type);
  }
  if (k === 'queue') {
    const q = isObj(v) ? v : {};
    const flags = Array.isArray(q.flags) ? q.flags : q.flags !== undefined ? [q.flags] : [];
    if (flags.some((f) => f !== 'bypass') || (q.num !== undefined && typeof q.num !== 'number')) return null;
    return {
      kind: 'queue',
      ...(typeof q.num === 'number' ? { num: q.num } : {}),
      ...(flags.length ? { bypass: true } : {}),
    };
  }
  return null;
}

function jsonStatement(stmt: Json, k: string, v: Json, field: string): RuleExpr {
  const verdict = jsonVerdict(k, v);
  if (verdict) return { kind: 'verdict', verdict };
  if (k === 'match' && isObj(v)) {
    const lhs = jsonExpr(v.left, `${field}.match.left`);
    const op = String(v.op ?? '==');
    const ir = lowerMatch(
      lhs,
      op === 'in' || op === 'eq' ? '==' : op === 'ne' ? '!=' : op,
      jsonRhs(v.right),
      NO_TOKENS,
      0,
    );
    return ir ?? opaque(stmt, 'match', mentionsMark(lhs), false);
  }
  if (k === 'mangle' && isObj(v)) return jsonMangle(stmt, v, field);
  if (k === 'secmark' && typeof v === 'string') return { kind: 'secmarkSet', dst: 'meta', label: v };
  if (k === 'vmap' && isObj(v)) {
    const lhs = jsonExpr(v.key, `${field}.vmap.key`);
    return (
      lowerVmap(lhs, jsonRhs(v.data), '', 0, NO_TOKENS) ?? opaque(stmt, 'statement', mentionsMark(lhs), false)
    );
  }
  if (k === 'log' && (v === null || isObj(v))) {
    const o = v ?? {};
    const keys = Object.keys(o).filter((x) => x !== 'prefix' && x !== 'group');
    if (keys.length === 0) {
      return {
        kind: 'log',
        ...(typeof o.prefix === 'string' ? { prefix: o.prefix } : {}),
        ...(typeof o.group === 'number' ? { group: o.group } : {}),
      };
    }
  }
  const xt = xtExtension(stmt);
  if (xt) {
    // nft lists these as `xt target MARK`; the options are not in the dump, so the flags stay conservative.
    const touches = xtTouchesMarks(xt.type, xt.name);
    return {
      kind: 'opaque',
      text: `xt ${xt.type} ${xt.name}`,
      role: xt.type === 'match' ? 'match' : 'statement',
      readsMark: touches.reads,
      writesMark: touches.writes,
      raw: stmt,
    };
  }
  if (k === 'snat' || k === 'dnat' || k === 'masquerade' || k === 'redirect') {
    const text = natText(k, v);
    const to = / to (\S+)/.exec(text)?.[1];
    return { kind: 'nat', type: k, text, ...(to ? { to } : {}) } as RuleExpr;
  }
  return opaque(stmt, 'statement', JSON.stringify(v).includes('"mark"'), false);
}

function natText(k: string, v: Json): string {
  if (!isObj(v)) return k;
  const addr = v.addr !== undefined ? jsonExprText(v.addr) : '';
  const port = v.port !== undefined ? `:${jsonExprText(v.port)}` : '';
  const fam = typeof v.family === 'string' ? ` ${v.family}` : '';
  const target = addr || port ? `${fam} to ${addr}${port}` : '';
  const flags = v.flags !== undefined ? ` ${(Array.isArray(v.flags) ? v.flags : [v.flags]).join(',')}` : '';
  return `${k}${target}${flags}`;
}

function jsonMangle(stmt: Json, v: Record<string, Json>, field: string): RuleExpr {
  const key = jsonExpr(v.key, `${field}.mangle.key`);
  const keyText = jsonExprText(v.key);
  if (keyText === 'meta secmark' || keyText === 'ct secmark') {
    const valueText = jsonExprText(v.value);
    const dst = keyText === 'meta secmark' ? 'meta' : 'ct';
    if (valueText === 'ct secmark' || valueText === 'meta secmark')
      return { kind: 'secmarkCopy', dst, mode: 'copy' };
    if (typeof v.value === 'string') return { kind: 'secmarkSet', dst, label: v.value };
    return opaque(stmt, 'statement', false, false);
  }
  if (key.kind !== 'mark')
    return opaque(stmt, 'statement', JSON.stringify(v.value).includes('"mark"'), false);
  if (isObj(v.value) && 'map' in v.value && isObj(v.value.map)) {
    const m = v.value.map;
    const keyExpr = jsonExpr(m.key, `${field}.mangle.value.map.key`);
    return (
      lowerMap(key.space, keyExpr, jsonRhs(m.data), NO_TOKENS, 0) ??
      opaque(stmt, 'statement', mentionsMark(keyExpr), true)
    );
  }
  const value = jsonExpr(v.value, `${field}.mangle.value`);
  if (value.kind === 'other') return opaque(stmt, 'statement', value.mentionsMark, true);
  try {
    return { kind: 'markWrite', write: foldToWrite(key.space, value) };
  } catch (err) {
    if (err instanceof NftExprError) return opaque(stmt, 'statement', true, true);
    throw err;
  }
}
