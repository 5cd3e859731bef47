import { InputError } from '../../bits/errors';
import { linearize, printLinear } from '../../bits/nft-ops';
import { hex8 } from '../../bits/u32';
import { type Expr, UNQUALIFIED_META } from './expr';
import type { Rhs, RhsElement } from './rhs';
import { u32Value } from './values';

// libnftables JSON expressions -> the same Expr / Rhs shapes the text parser builds, so that both
// syntaxes lower to the IR through one code path.

type Json = unknown;
const isObj = (v: Json): v is Record<string, Json> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const BINOPS = ['&', '|', '^', '<<', '>>'] as const;

/** The single key of a JSON object like `{"meta": {...}}`. */
export function soleKey(v: Json, field: string): [string, Json] {
  if (!isObj(v)) throw new InputError(field, v, 'expected an object with one key');
  const keys = Object.keys(v);
  if (keys.length !== 1) throw new InputError(field, v, 'expected an object with exactly one key');
  return [keys[0]!, v[keys[0]!]];
}

/** A key as `nft list` prints it: mark arithmetic in canonical form, anything else as text. */
function markKeyText(v: Json): string {
  const e = jsonExpr(v, 'key');
  if (e.kind === 'other') return e.text;
  try {
    return printLinear(linearize(e), true);
  } catch {
    return jsonExprText(v);
  }
}

/** nft-like text of a JSON expression, for display and for opaque expressions. */
export function jsonExprText(v: Json): string {
  if (v === undefined) return '';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return v.startsWith('@') || /^[\w.:/-]+$/.test(v) ? v : `"${v}"`;
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v.join(',');
  if (v === null || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.map(jsonExprText).join(',');
  const [k, body] = Object.entries(v as Record<string, Json>)[0] ?? ['', null];
  const b = isObj(body) ? body : {};
  switch (k) {
    case 'meta':
      return UNQUALIFIED_META.has(String(b.key)) ? String(b.key) : `meta ${b.key}`;
    case 'ct':
      return b.dir ? `ct ${b.dir} ${b.key}` : `ct ${b.key}`;
    case 'payload':
      return b.protocol ? `${b.protocol} ${b.field}` : `@${b.base},${b.offset},${b.len}`;
    case 'prefix':
      return `${jsonExprText(b.addr)}/${b.len}`;
    case 'range':
      return Array.isArray(body) ? `${jsonExprText(body[0])}-${jsonExprText(body[1])}` : '';
    case 'set':
      return `{ ${(Array.isArray(body) ? body : [body])
        .map((e) =>
          Array.isArray(e) && e.length === 2
            ? `${jsonExprText(e[0])} : ${jsonExprText(e[1])}`
            : jsonExprText(e),
        )
        .join(', ')} }`;
    case 'concat':
      return Array.isArray(body) ? body.map(jsonExprText).join(' . ') : '';
    case 'socket':
      return `socket ${b.key}`;
    case 'fib':
      return `fib ${(Array.isArray(b.flags) ? b.flags : [b.flags]).join(' . ')} ${b.result}`;
    case 'jhash':
    case 'symhash':
      return `${k} ${b.expr ? `${jsonExprText(b.expr)} ` : ''}mod ${b.mod}${b.seed !== undefined ? ` seed ${b.seed}` : ''}${b.offset !== undefined ? ` offset ${b.offset}` : ''}`;
    case 'numgen':
      return `numgen ${b.mode} mod ${b.mod}${b.offset !== undefined ? ` offset ${b.offset}` : ''}`;
    case 'osf':
      return `osf ${b.key}`;
    case 'map':
      return `${jsonExprText(b.key)} map ${jsonExprText(b.data)}`;
    case 'vmap':
      return `${jsonExprText(b.key)} vmap ${jsonExprText(b.data)}`;
    case 'match': {
      const op = b.op === '==' || b.op === 'in' ? '' : ` ${b.op}`;
      return `${jsonExprText(b.left)}${op} ${jsonExprText(b.right)}`;
    }
    case 'mangle':
      return `${jsonExprText(b.key)} set ${jsonExprText(b.value)}`;
    case 'counter':
      if (isObj(body) && isObj(body.map))
        return `counter name ${markKeyText(body.map.key)} map ${jsonExprText(body.map.data)}`;
      return isObj(body) && 'name' in body ? `counter name ${jsonExprText(body.name)}` : 'counter';
    case 'notrack':
      return 'notrack';
    case 'tproxy': {
      const fam = b.family ? ` ${b.family}` : '';
      const addr = b.addr !== undefined ? jsonExprText(b.addr) : '';
      const port = b.port !== undefined ? `:${jsonExprText(b.port)}` : '';
      return `tproxy${fam} to ${addr}${port}`;
    }
    case 'dup':
      return `dup to ${jsonExprText(b.addr)}${b.dev !== undefined ? ` device ${jsonExprText(b.dev)}` : ''}`;
    case 'fwd':
      return `fwd to ${jsonExprText(b.dev)}`;
    case 'elem':
      return jsonExprText(b.val);
    case 'accept':
    case 'drop':
    case 'continue':
    case 'return':
      return k;
    case 'jump':
    case 'goto':
      return `${k} ${b.target}`;
    default:
      if ((BINOPS as readonly string[]).includes(k) && Array.isArray(body)) {
        return body.map(jsonExprText).join(` ${k} `);
      }
      return `${k} ${JSON.stringify(body)}`;
  }
}

const other = (text: string, mark: boolean): Expr => ({
  kind: 'other',
  text,
  selector: true,
  mentionsMark: mark,
});
const mentionsMarkJson = (v: Json): boolean => JSON.stringify(v).includes('"mark"');

/** A JSON value expression as an Expr (marks and constants structured, the rest as text). */
export function jsonExpr(v: Json, field: string): Expr {
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) return other(String(v), false);
    return { kind: 'const', value: v };
  }
  if (typeof v === 'string') {
    const n = u32Value(v);
    return n !== null && /^0x/i.test(v) ? { kind: 'const', value: n } : other(jsonExprText(v), false);
  }
  if (!isObj(v)) return other(jsonExprText(v), false);
  const [k, body] = soleKey(v, field);
  if ((k === 'meta' || k === 'ct') && isObj(body) && body.key === 'mark' && body.dir === undefined) {
    return { kind: 'mark', space: k };
  }
  if ((BINOPS as readonly string[]).includes(k) && Array.isArray(body) && body.length >= 2) {
    let acc = jsonExpr(body[0], `${field}.${k}[0]`);
    for (let i = 1; i < body.length; i++) {
      const right = jsonExpr(body[i], `${field}.${k}[${i}]`);
      acc =
        acc.kind !== 'other' && right.kind !== 'other'
          ? { kind: 'binop', op: k as (typeof BINOPS)[number], left: acc, right }
          : other(`${exprTextOf(acc)} ${k} ${exprTextOf(right)}`, mentionsMarkJson(v));
    }
    return acc;
  }
  return other(jsonExprText(v), mentionsMarkJson(v));
}

const exprTextOf = (e: Expr): string =>
  e.kind === 'other'
    ? e.text
    : e.kind === 'const'
      ? hex8(e.value)
      : e.kind === 'mark'
        ? `${e.space} mark`
        : '(...)';

/** A right-hand side word as the text parser would see it. */
function rhsWord(v: Json): string {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return v;
  if (isObj(v) && 'range' in v && Array.isArray(v.range))
    return `${rhsWord(v.range[0])}-${rhsWord(v.range[1])}`;
  if (isObj(v) && 'prefix' in v && isObj(v.prefix)) return `${rhsWord(v.prefix.addr)}/${v.prefix.len}`;
  return jsonExprText(v);
}

/** `{"|": [{"|": ["a", "b"]}, "c"]}` -> ["a", "b", "c"]; null when v is not such a flag list. */
function flagList(v: Json): string[] | null {
  if (typeof v === 'string') return [v];
  if (!isObj(v) || !Array.isArray(v['|'])) return null;
  const out: string[] = [];
  for (const part of v['|']) {
    const inner = flagList(part);
    if (!inner) return null;
    out.push(...inner);
  }
  return out;
}

/** A JSON right-hand side (value, list, `{"set": [...]}`, `"@name"`, map data) as an Rhs. */
export function jsonRhs(v: Json): Rhs {
  if (typeof v === 'string' && v.startsWith('@')) return { kind: 'ref', name: v.slice(1), text: v };
  if (isObj(v) && 'set' in v) {
    const items = Array.isArray(v.set) ? v.set : [v.set];
    const elements: RhsElement[] = items.map((it) =>
      Array.isArray(it) && it.length === 2
        ? { key: rhsWord(it[0]), value: jsonExprText(it[1]) }
        : { key: rhsWord(it) },
    );
    return { kind: 'set', elements, text: jsonExprText(v) };
  }
  // Flag values (`ct state established,related`) arrive as `{"|": [...]}` in listings.
  const flags = flagList(v);
  if (flags) return { kind: 'value', items: flags, text: flags.join(',') };
  if (Array.isArray(v)) {
    const items = v.map(rhsWord);
    return { kind: 'value', items, text: items.join(',') };
  }
  const w = rhsWord(v);
  return { kind: 'value', items: [w], text: w };
}
