// Reads the live box into the IR until core's parsers (parseNftJson, parseIpRulesJson, ...) are exported:
// tables, chains and hooks are modelled; rule bodies are kept opaque with conservative mark flags, and the
// mark bits each rule touches are computed here for the probe report.
import type { Chain, Family, Hook, IpRule, Route, Rule, Table, TcFilter } from '@markwright/core';

// biome-ignore lint/suspicious/noExplicitAny: tool JSON is read defensively field by field
type J = Record<string, any>;
const FULL = 0xffffffff;

const isMarkRef = (node: unknown, space: 'meta' | 'ct'): boolean =>
  typeof node === 'object' && node !== null && (node as J)[space]?.key === 'mark';

/** Bits of `space` (meta = fwmark, ct = conntrack mark) an nft JSON expression reads or writes. */
export function nftMarkBits(node: unknown, space: 'meta' | 'ct'): number {
  if (Array.isArray(node)) return node.reduce((acc: number, n) => (acc | nftMarkBits(n, space)) >>> 0, 0);
  if (typeof node !== 'object' || node === null) return 0;
  if (isMarkRef(node, space)) return FULL;
  const obj = node as J;
  const and = obj['&'];
  if (Array.isArray(and) && isMarkRef(and[0], space) && typeof and[1] === 'number') return and[1] >>> 0;
  if (obj.mangle && isMarkRef(obj.mangle.key, space)) {
    const v = obj.mangle.value;
    const op = v?.['|'] ?? v?.['^'];
    const inner = Array.isArray(op) ? op[0]?.['&'] : undefined;
    // `mark & K | V` keeps the bits of K: only the others are written (reading them back is no use).
    if (Array.isArray(inner) && isMarkRef(inner[0], space) && typeof inner[1] === 'number')
      return ~inner[1] >>> 0;
    // `mark | V` / `mark ^ V` write only the bits of V.
    if (Array.isArray(op) && isMarkRef(op[0], space) && typeof op[1] === 'number') return op[1] >>> 0;
    return (FULL | nftMarkBits(v, space)) >>> 0;
  }
  let acc = 0;
  for (const value of Object.values(obj)) acc = (acc | nftMarkBits(value, space)) >>> 0;
  return acc;
}

/** Bits an iptables-save rule line touches: masks of mark options, split into packet and conntrack mark. */
export function iptablesMarkBits(line: string): { fw: number; ct: number } {
  let fw = 0;
  let ct = 0;
  const conn = /CONNMARK|connmark/.test(line);
  const re =
    /--(set-xmark|set-mark|mark|and-mark|or-mark|xor-mark|nfmask|ctmask|mask)\s+(0x[0-9a-fA-F]+|\d+)(?:\/(0x[0-9a-fA-F]+|\d+))?/g;
  for (const m of line.matchAll(re)) {
    const value = Number(m[2]);
    let bits = m[3] !== undefined ? Number(m[3]) : FULL;
    if (m[1] === 'nfmask' || m[1] === 'ctmask' || m[1] === 'mask') bits = value;
    if (m[1] === 'or-mark' || m[1] === 'xor-mark') bits = value;
    if (m[1] === 'and-mark') bits = ~value;
    if (m[1] === 'ctmask') ct |= bits;
    else if (m[1] === 'nfmask') fw |= bits;
    else if (conn) {
      ct |= bits;
      if (/--(save|restore)-mark/.test(line)) fw |= bits;
    } else fw |= bits;
  }
  if (conn && /--(save|restore)-mark/.test(line) && !/--(nfmask|ctmask|mask)/.test(line)) {
    fw = FULL;
    ct = FULL;
  }
  return { fw: fw >>> 0, ct: ct >>> 0 };
}

export interface ParsedRule {
  readonly where: string;
  readonly text: string;
  readonly fwmarkBits: number;
  readonly ctmarkBits: number;
}

/** `nft -j list ruleset` -> tables (rules opaque) plus per-rule evidence. */
export function readNftJson(json: string): { tables: Table[]; rules: ParsedRule[] } {
  const items = (JSON.parse(json).nftables ?? []) as J[];
  const tables = new Map<
    string,
    { family: Family; name: string; chains: Map<string, { base?: Chain['base']; rules: Rule[] }> }
  >();
  const rules: ParsedRule[] = [];
  const key = (f: string, t: string) => `${f} ${t}`;
  for (const item of items) {
    if (item.table)
      tables.set(key(item.table.family, item.table.name), {
        family: item.table.family,
        name: item.table.name,
        chains: new Map(),
      });
    else if (item.chain) {
      const c = item.chain;
      const base = c.hook
        ? {
            type: c.type,
            hook: c.hook as Hook,
            priority: Number(c.prio ?? 0),
            policy: c.policy ?? 'accept',
            ...(c.dev ? { device: c.dev } : {}),
          }
        : undefined;
      tables.get(key(c.family, c.table))?.chains.set(c.name, { ...(base ? { base } : {}), rules: [] });
    } else if (item.rule) {
      const r = item.rule;
      const text = JSON.stringify(r.expr);
      const fw = nftMarkBits(r.expr, 'meta');
      const ct = nftMarkBits(r.expr, 'ct');
      const hasXt = text.includes('"xt"');
      tables
        .get(key(r.family, r.table))
        ?.chains.get(r.chain)
        ?.rules.push({
          exprs: [
            {
              kind: 'opaque',
              text,
              role: 'statement',
              readsMark: fw !== 0 || ct !== 0 || hasXt,
              writesMark: fw !== 0 || ct !== 0 || hasXt,
              raw: r.expr,
            },
          ],
          ...(r.comment ? { comment: r.comment } : {}),
          handle: r.handle,
        });
      rules.push({
        where: `table ${r.family} ${r.table} chain ${r.chain}`,
        text: `${text} ${r.comment ?? ''}`,
        fwmarkBits: fw,
        ctmarkBits: ct,
      });
    }
  }
  const out: Table[] = [...tables.values()].map((t) => ({
    family: t.family,
    name: t.name,
    origin: 'nft',
    chains: [...t.chains.entries()].map(([name, c]) => ({
      name,
      ...(c.base ? { base: c.base } : {}),
      rules: c.rules,
    })),
    sets: [],
    secmarks: [],
  }));
  return { tables: out, rules };
}

/** iptables-save text -> per-rule evidence (`*table`, `-A CHAIN ...`). */
export function readIptablesSave(text: string): ParsedRule[] {
  let table = 'filter';
  const out: ParsedRule[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('*')) table = line.slice(1).trim();
    else if (line.startsWith('-A ')) {
      const chain = line.split(' ')[1] ?? '';
      const bits = iptablesMarkBits(line);
      out.push({ where: `iptables ${table} ${chain}`, text: line, fwmarkBits: bits.fw, ctmarkBits: bits.ct });
    }
  }
  return out;
}

/** `ip -j rule show` -> IpRule. */
export function readIpRulesJson(json: string, family: 4 | 6): IpRule[] {
  return (JSON.parse(json || '[]') as J[]).map((r) => {
    const fwmark =
      r.fwmark !== undefined
        ? { value: Number(r.fwmark), mask: r.fwmask !== undefined ? Number(r.fwmask) : FULL }
        : undefined;
    const action: IpRule['action'] =
      r.table !== undefined
        ? { kind: 'table', table: String(r.table) }
        : r.goto !== undefined
          ? { kind: 'goto', priority: Number(r.goto) }
          : { kind: (r.action ?? 'nop') as 'nop' };
    return {
      family,
      priority: Number(r.priority),
      not: 'not' in r,
      ...(r.iif ? { iif: r.iif } : {}),
      ...(r.oif ? { oif: r.oif } : {}),
      ...(fwmark ? { fwmark } : {}),
      action,
      ...(r.suppress_prefixlen !== undefined ? { suppressPrefixlength: Number(r.suppress_prefixlen) } : {}),
      ...(r.protocol !== undefined ? { protocol: String(r.protocol) } : {}),
    };
  });
}

/** `ip -j route show table all` -> Route. */
export function readRoutesJson(json: string, family: 4 | 6): Route[] {
  return (JSON.parse(json || '[]') as J[]).map((r) => {
    const dst = String(r.dst ?? 'default');
    const [address, prefix] =
      dst === 'default'
        ? [family === 4 ? '0.0.0.0' : '::', 0]
        : [dst.split('/')[0]!, Number(dst.split('/')[1] ?? (family === 4 ? 32 : 128))];
    return {
      family,
      table: String(r.table ?? 'main'),
      type: (r.type ?? 'unicast') as Route['type'],
      dst: { family, address, prefix },
      ...(r.dev ? { dev: r.dev } : {}),
      ...(r.gateway ? { gateway: r.gateway } : {}),
      ...(r.metric !== undefined ? { metric: Number(r.metric) } : {}),
      ...(r.protocol ? { protocol: String(r.protocol) } : {}),
      ...(r.scope ? { scope: String(r.scope) } : {}),
    };
  });
}

/** `tc -j filter show dev D parent P` -> TcFilter. */
export function readTcFiltersJson(json: string, dev: string, parent: string): TcFilter[] {
  return (JSON.parse(json || '[]') as J[])
    .filter((f) => f.options)
    .map((f) => {
      const o = f.options as J;
      const classifier: TcFilter['classifier'] =
        f.kind === 'fw'
          ? {
              kind: 'fw',
              handle: Number(o.handle ?? o.fh ?? 0),
              mask: o.mask !== undefined ? Number(o.mask) : FULL,
            }
          : { kind: 'opaque', text: JSON.stringify(f) };
      return {
        dev,
        parent,
        protocol: String(f.protocol ?? 'all'),
        priority: Number(f.pref ?? 0),
        classifier,
        ...(o.classid || o.flowid ? { classid: String(o.classid ?? o.flowid) } : {}),
      };
    });
}
