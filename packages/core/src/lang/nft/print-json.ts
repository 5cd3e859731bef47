import { shiftBy } from '../../bits/algebra';
import { InputError } from '../../bits/errors';
import { type NftValueExpr, writeToValueExpr } from '../../bits/nft-ops';
import { U32_MAX, u32 } from '../../bits/u32';
import type {
  AddrSet,
  Cidr,
  MapKey,
  MarkKey,
  NamedSet,
  Range,
  Rule,
  RuleExpr,
  Ruleset,
  SetElement,
  Table,
  TableObject,
  ValueSet,
  Verdict,
} from '../../ir/types';
import { ctStateName } from '../../net/conntrack';
import { L4_NAMES } from './values';

// IR -> libnftables JSON, loadable with `nft -j -f` (commands form: {"nftables": [{"add": {...}}, ...]}).

type Json = unknown;

const meta = (key: string): Json => ({ meta: { key } });
const ct = (key: string): Json => ({ ct: { key } });
const markJson = (space: 'meta' | 'ct'): Json => (space === 'meta' ? meta('mark') : ct('mark'));

export function valueExprJson(e: NftValueExpr): Json {
  if (e.kind === 'const') return e.value;
  if (e.kind === 'mark') return markJson(e.space);
  return { [e.op]: [valueExprJson(e.left), valueExprJson(e.right)] };
}

function markKeyJson(key: MarkKey): Json {
  let acc: Json = markJson(key.space);
  if (key.shift !== 0) acc = { [key.shift > 0 ? '<<' : '>>']: [acc, Math.abs(key.shift)] };
  const after = u32(shiftBy(key.mask, key.shift));
  if (after !== shiftBy(U32_MAX, key.shift)) acc = { '&': [acc, after] };
  return acc;
}

const rangeJson = (r: Range): Json => (r[0] === r[1] ? r[0] : { range: [r[0], r[1]] });

function valueSetJson(v: ValueSet): Json {
  if (v.kind === 'setRef') return `@${v.name}`;
  return v.ranges.length === 1 ? rangeJson(v.ranges[0]!) : { set: v.ranges.map(rangeJson) };
}

const cidrJson = (c: Cidr): Json =>
  c.prefix === (c.family === 4 ? 32 : 128) ? c.address : { prefix: { addr: c.address, len: c.prefix } };

function addrSetJson(s: AddrSet): Json {
  if (s.kind === 'setRef') return `@${s.name}`;
  const items = s.kind === 'cidrs' ? s.cidrs.map(cidrJson) : s.ranges.map(([a, b]) => ({ range: [a, b] }));
  return items.length === 1 ? items[0] : { set: items };
}

const match = (left: Json, right: Json, invert: boolean, op = '=='): Json => ({
  match: { op: invert ? '!=' : op, left, right },
});
const one = <T>(xs: readonly T[], f: (x: T) => Json): Json =>
  xs.length === 1 ? f(xs[0]!) : { set: xs.map(f) };
const proto = (p: number | null): string =>
  p === 6 ? 'tcp' : p === 17 ? 'udp' : p === 132 ? 'sctp' : p === 136 ? 'udplite' : 'th';

export function verdictJson(v: Verdict): Json {
  switch (v.kind) {
    case 'jump':
    case 'goto':
      return { [v.kind]: { target: v.target } };
    case 'reject': {
      if (!v.with) return { reject: null };
      if (v.with === 'tcp reset') return { reject: { type: 'tcp reset' } };
      const m = /^(icmpx|icmpv6|icmp) (?:type )?(\S+)$/.exec(v.with);
      if (!m)
        throw new InputError(
          'verdict.reject.with',
          v.with,
          'expected tcp reset or icmp/icmpv6/icmpx [type] CODE',
        );
      return { reject: { type: m[1], expr: m[2] } };
    }
    case 'queue':
      return {
        queue: { ...(v.num !== undefined ? { num: v.num } : {}), ...(v.bypass ? { flags: ['bypass'] } : {}) },
      };
    default:
      return { [v.kind]: null };
  }
}

function mapKeyJson(k: MapKey): Json {
  switch (k.kind) {
    case 'mark':
      return markKeyJson(k.key);
    case 'port':
      return { payload: { protocol: proto(k.proto), field: k.dir === 'src' ? 'sport' : 'dport' } };
    case 'addr':
      return {
        payload: { protocol: k.family === 4 ? 'ip' : 'ip6', field: k.dir === 'src' ? 'saddr' : 'daddr' },
      };
    case 'opaque':
      if (k.text === 'ct state') return ct('state');
      throw new InputError('map.key', k.text, 'an unmodelled map key has no JSON form');
  }
}

function natJson(e: Extract<RuleExpr, { kind: 'nat' }>): Json {
  const m = /^(snat|dnat|masquerade|redirect)(?: (ip6?))?(?: to (\S+))?$/.exec(e.text);
  if (!m)
    throw new InputError(
      'nat.text',
      e.text,
      'only `TYPE [ip|ip6] [to ADDR[:PORT]|:PORT]` has a JSON form here',
    );
  const body: Record<string, Json> = {};
  if (m[2]) body.family = m[2];
  if (m[3]) {
    const t = m[3];
    const colon = t.startsWith('[') ? t.indexOf(']:') + 1 : t.lastIndexOf(':');
    const addr =
      colon >= 0 && (t.startsWith(':') || t.startsWith('[') || t.split(':').length === 2)
        ? t.slice(0, colon)
        : t;
    const port = addr === t ? '' : t.slice(colon + 1);
    if (addr) body.addr = addr.replace(/^\[|\]$/g, '');
    if (port) body.port = /^\d+$/.test(port) ? Number(port) : port;
  }
  return { [e.type]: Object.keys(body).length ? body : null };
}

function vmapKeyJson(key: MapKey, r: Range): Json {
  if (key.kind === 'opaque' && key.text === 'ct state' && r[0] === r[1]) return ctStateName(r[0]) ?? r[0];
  return rangeJson(r);
}

export function exprJson(e: RuleExpr, rule?: Rule): Json {
  switch (e.kind) {
    case 'mark':
      return match(markKeyJson(e.key), valueSetJson(e.values), e.invert);
    case 'iface':
      return match(
        meta(e.dir === 'in' ? (e.byIndex ? 'iif' : 'iifname') : e.byIndex ? 'oif' : 'oifname'),
        one(e.names, (n) => n),
        e.invert,
      );
    case 'l3proto':
      return match(meta('nfproto'), e.family === 4 ? 'ipv4' : 'ipv6', e.invert);
    case 'addr': {
      const fam =
        e.set.kind === 'cidrs'
          ? (e.set.cidrs[0]?.family ?? 4)
          : e.set.kind === 'addrRanges'
            ? e.set.family
            : 4;
      const left = {
        payload: { protocol: fam === 4 ? 'ip' : 'ip6', field: e.dir === 'src' ? 'saddr' : 'daddr' },
      };
      return match(left, addrSetJson(e.set), e.invert);
    }
    case 'l4proto':
      return match(
        meta('l4proto'),
        one(e.protos, (p) => L4_NAMES[p] ?? p),
        e.invert,
      );
    case 'port': {
      const left = { payload: { protocol: proto(e.proto), field: e.dir === 'src' ? 'sport' : 'dport' } };
      return match(left, valueSetJson(e.values), e.invert);
    }
    case 'ctstate':
      return match(ct('state'), e.states.length === 1 ? e.states[0] : [...e.states], e.invert, 'in');
    case 'ctdirection':
      return match(ct('direction'), e.direction, e.invert);
    case 'secmark':
      return match(e.space === 'meta' ? meta('secmark') : ct('secmark'), e.label, e.invert);
    case 'opaque':
      if (e.raw === undefined) {
        throw new InputError(
          'rule.expr',
          e.text,
          'this unmodelled expression was read from text and has no JSON form',
        );
      }
      return e.raw;
    case 'markWrite':
      return { mangle: { key: markJson(e.write.dst), value: valueExprJson(writeToValueExpr(e.write)) } };
    case 'markMap': {
      const data =
        e.map.kind === 'mapRef'
          ? `@${e.map.name}`
          : { set: e.map.entries.map((en) => [rangeJson(en.key), en.value]) };
      return { mangle: { key: markJson(e.dst), value: { map: { key: mapKeyJson(e.key), data } } } };
    }
    case 'secmarkSet':
      return e.dst === 'meta' ? { secmark: e.label } : { mangle: { key: ct('secmark'), value: e.label } };
    case 'secmarkCopy':
      if (e.mode !== 'copy')
        throw new InputError(
          'rule.secmarkCopy.mode',
          e.mode,
          'nft has no CONNSECMARK; only copy is expressible',
        );
      return e.dst === 'ct'
        ? { mangle: { key: ct('secmark'), value: meta('secmark') } }
        : { mangle: { key: meta('secmark'), value: ct('secmark') } };
    case 'counter':
      return {
        counter: rule?.counters ? { packets: rule.counters.packets, bytes: rule.counters.bytes } : null,
      };
    case 'log':
      return {
        log:
          e.prefix === undefined && e.group === undefined
            ? null
            : {
                ...(e.prefix !== undefined ? { prefix: e.prefix } : {}),
                ...(e.group !== undefined ? { group: e.group } : {}),
              },
      };
    case 'nat':
      return natJson(e);
    case 'verdict':
      return verdictJson(e.verdict);
    case 'vmap': {
      const data =
        e.map.kind === 'mapRef'
          ? `@${e.map.name}`
          : { set: e.map.entries.map((en) => [vmapKeyJson(e.key, en.key), verdictJson(en.verdict)]) };
      return { vmap: { key: mapKeyJson(e.key), data } };
    }
  }
}

/** nft JSON type of a set: `mark`, `["ipv4_addr", "mark"]` for concatenations. */
function typeJson(type: string): Json {
  const t = type.replace(/^typeof /, '');
  const typeofNames: Record<string, string> = {
    'meta mark': 'mark',
    'ct mark': 'mark',
    'ip saddr': 'ipv4_addr',
    'ip daddr': 'ipv4_addr',
    'ip6 saddr': 'ipv6_addr',
    'ip6 daddr': 'ipv6_addr',
    'tcp dport': 'inet_service',
    'udp dport': 'inet_service',
    'tcp sport': 'inet_service',
    'udp sport': 'inet_service',
  };
  const parts = t.split(' . ').map((p) => (type.startsWith('typeof ') ? typeofNames[p.trim()] : p.trim()));
  if (parts.some((p) => !p))
    throw new InputError('set.type', type, 'this typeof expression has no JSON type here');
  return parts.length === 1 ? parts[0] : parts;
}

/** Elements kept as text that still have a plain JSON form: `K : "object"` and address ranges `a-b`. */
function opaqueElementJson(text: string): Json {
  const obj = /^(\S+) : "([^"]+)"$/.exec(text);
  if (obj) {
    const n = Number(obj[1]);
    return [Number.isNaN(n) ? obj[1] : n, obj[2]];
  }
  const range = /^([0-9a-fA-F.:]+)-([0-9a-fA-F.:]+)$/.exec(text);
  if (range) return { range: [range[1], range[2]] };
  throw new InputError('set.elements', text, 'an unmodelled element has no JSON form');
}

function elementJson(e: SetElement, isMap: boolean): Json {
  if (e.kind === 'opaque') return opaqueElementJson(e.text);
  const key = e.kind === 'cidr' ? cidrJson(e.cidr) : rangeJson(e.range);
  if (!isMap) return key;
  if (e.value === undefined) throw new InputError('map.elements', key, 'a map element needs a value');
  return [key, typeof e.value === 'number' ? e.value : verdictJson(e.value)];
}

function setJson(t: Table, s: NamedSet): Json {
  const [keyType, dataType] = s.isMap ? s.type.split(' : ') : [s.type];
  const body: Record<string, Json> = {
    family: t.family,
    table: t.name,
    name: s.name,
    type: typeJson(keyType!),
  };
  // A typeof map's data is an expression (`meta mark`) or a plain type (`verdict`, `counter`).
  const data = (dataType ?? '').trim();
  if (s.isMap)
    body.map = typeJson(`${s.type.startsWith('typeof ') && data.includes(' ') ? 'typeof ' : ''}${data}`);
  if (s.flags.length) body.flags = [...s.flags];
  if (s.elements.length) body.elem = s.elements.map((e) => elementJson(e, s.isMap));
  for (const x of s.extra ?? []) {
    const m = /^(size|policy|timeout|comment) (.+)$/.exec(x);
    if (!m)
      throw new InputError(
        `set ${s.name}`,
        x,
        'this set option has no JSON form here (size, policy, timeout, comment)',
      );
    const [, key, value] = m as unknown as [string, string, string];
    if (key === 'size') body.size = Number(value);
    else if (key === 'timeout') body.timeout = Number(value.replace(/s$/, ''));
    else if (key === 'comment') body.comment = value.replace(/^"|"$/g, '');
    else body.policy = value;
  }
  return { add: { [s.isMap ? 'map' : 'set']: body } };
}

function objectJson(t: Table, o: TableObject): Json {
  if (o.raw !== undefined) return o.raw;
  if (o.kind === 'counter') return { counter: { family: t.family, table: t.name, name: o.name } };
  throw new InputError(
    `object ${o.kind} ${o.name}`,
    o.body.join('; '),
    'read from text; it has no JSON form here',
  );
}

/** The ruleset as an `nft -j -f` command list. */
export function emitNftJson(ruleset: Ruleset): unknown {
  const out: Json[] = [{ metainfo: { json_schema_version: 1 } }];
  for (const t of ruleset.tables) {
    out.push({
      add: {
        table: {
          family: t.family,
          name: t.name,
          ...(t.flags?.length ? { flags: [...t.flags] } : {}),
          ...(t.comment !== undefined ? { comment: t.comment } : {}),
        },
      },
    });
    for (const o of t.objects ?? []) out.push({ add: objectJson(t, o) });
    for (const s of t.secmarks)
      out.push({ add: { secmark: { family: t.family, table: t.name, name: s.name, context: s.context } } });
    for (const s of t.sets) out.push(setJson(t, s));
    for (const c of t.chains) {
      const base = c.base
        ? {
            type: c.base.type,
            hook: c.base.hook,
            prio: c.base.priority,
            policy: c.base.policy,
            ...(c.base.device !== undefined ? { dev: c.base.device } : {}),
          }
        : {};
      out.push({ add: { chain: { family: t.family, table: t.name, name: c.name, ...base } } });
    }
    for (const c of t.chains) {
      for (const r of c.rules) {
        out.push({
          add: {
            rule: {
              family: t.family,
              table: t.name,
              chain: c.name,
              expr: r.exprs.map((e) => exprJson(e, r)),
              ...(r.comment !== undefined ? { comment: r.comment } : {}),
            },
          },
        });
      }
    }
  }
  return { nftables: out };
}
