// Document -> what Markwright owns, until core's compileDocument and emitters are exported. It covers the
// policy rules' matches and field writes, persist fields (saved to and restored from the conntrack mark),
// route bindings (ip rules) and class bindings (tc fw filters).
import {
  type Field,
  type FieldValues,
  InputError,
  type MarkwrightDocument,
  type PacketMatch,
  type PolicyRule,
} from '@markwright/core';
import type { OwnedState } from '../types';
import { DEFAULT_OWNERSHIP, OWNED_TABLE, type Ownership, wrapTableBody } from './ownership';

const hex = (n: number): string => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;
const shortHex = (n: number): string => `0x${(n >>> 0).toString(16)}`;

/** Spread `value` over the set bits of `mask`, lowest bit first. */
function spread(value: number, mask: number): number {
  let out = 0;
  let v = value;
  for (let bit = 0; bit < 32; bit++) {
    const b = 2 ** bit;
    if (Math.floor(mask / b) % 2 === 1) {
      if (v % 2 === 1) out += b;
      v = Math.floor(v / 2);
    }
  }
  if (v !== 0) throw new RangeError('value does not fit');
  return out >>> 0;
}

function rawValue(field: Field, value: unknown, path: string): number {
  let n: number;
  if (field.kind === 'flag') {
    if (value === true || value === 1 || value === '1' || value === 'true') n = 1;
    else if (value === false || value === 0 || value === '0' || value === 'false') n = 0;
    else throw new InputError(path, value, `flag ${field.name} takes true/false or 1/0`);
  } else if (field.kind === 'enum' && typeof value === 'string') {
    const known = field.values?.[value];
    if (known === undefined) {
      throw new InputError(
        path,
        value,
        `is not a value of ${field.name} (known: ${Object.keys(field.values ?? {}).join(', ')})`,
      );
    }
    n = known;
  } else if (typeof value === 'number' && Number.isInteger(value) && value >= 0) n = value;
  else throw new InputError(path, value, `is not a value of field ${field.name}`);
  try {
    return spread(n, field.mask);
  } catch {
    throw new InputError(path, value, `does not fit field ${field.name} (mask ${shortHex(field.mask)})`);
  }
}

interface Masked {
  value: number;
  mask: number;
}

function encode(
  fields: readonly Field[],
  values: FieldValues | undefined,
  path: string,
): { meta: Masked; ct: Masked } {
  const out = { meta: { value: 0, mask: 0 }, ct: { value: 0, mask: 0 } };
  for (const [name, value] of Object.entries(values ?? {})) {
    const field = fields.find((f) => f.name === name);
    if (!field)
      throw new InputError(
        `${path}.${name}`,
        name,
        `no such field (known: ${fields.map((f) => f.name).join(', ')})`,
      );
    const slot = field.space === 'fwmark' ? out.meta : out.ct;
    slot.value = (slot.value | rawValue(field, value, `${path}.${name}`)) >>> 0;
    slot.mask = (slot.mask | field.mask) >>> 0;
  }
  return out;
}

const NAME = /^[A-Za-z0-9_.:+*-]{1,15}$/;

function ports(spec: unknown, path: string): string {
  const one = (p: unknown): string => {
    const text = String(p);
    if (!/^\d{1,5}(-\d{1,5})?$/.test(text) || text.split('-').some((x) => Number(x) > 65535)) {
      throw new InputError(path, p, 'must be a port 0..65535 or a range "lo-hi"');
    }
    return text;
  };
  if (Array.isArray(spec)) return `{ ${spec.map(one).join(', ')} }`;
  return one(spec);
}

function address(text: unknown, path: string): { family: 4 | 6; text: string } {
  if (typeof text !== 'string') throw new InputError(path, text, 'must be an address or prefix');
  if (/^\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?$/.test(text)) return { family: 4, text };
  if (/^[0-9a-fA-F:]+(\/\d{1,3})?$/.test(text) && text.includes(':')) return { family: 6, text };
  throw new InputError(path, text, 'must be an IPv4 or IPv6 address or prefix');
}

function matchExprs(fields: readonly Field[], match: PacketMatch, path: string): string[] {
  const out: string[] = [];
  if (match.iif !== undefined) {
    if (!NAME.test(match.iif)) throw new InputError(`${path}.iif`, match.iif, 'must be an interface name');
    out.push(`iifname "${match.iif}"`);
  }
  if (match.oif !== undefined) {
    if (!NAME.test(match.oif)) throw new InputError(`${path}.oif`, match.oif, 'must be an interface name');
    out.push(`oifname "${match.oif}"`);
  }
  for (const dir of ['saddr', 'daddr'] as const) {
    if (match[dir] === undefined) continue;
    const a = address(match[dir], `${path}.${dir}`);
    out.push(`${a.family === 4 ? 'ip' : 'ip6'} ${dir} ${a.text}`);
  }
  let proto: string | null = null;
  if (match.proto !== undefined) {
    const known = ['tcp', 'udp', 'icmp', 'icmpv6'];
    if (
      typeof match.proto === 'number' &&
      Number.isInteger(match.proto) &&
      match.proto >= 0 &&
      match.proto < 256
    ) {
      proto = String(match.proto);
    } else if (typeof match.proto === 'string' && known.includes(match.proto)) proto = match.proto;
    else throw new InputError(`${path}.proto`, match.proto, 'must be tcp, udp, icmp, icmpv6 or 0..255');
    out.push(`meta l4proto ${proto === 'icmpv6' ? 'ipv6-icmp' : proto}`);
  }
  for (const dir of ['sport', 'dport'] as const) {
    if (match[dir] === undefined) continue;
    const layer = proto === 'tcp' || proto === 'udp' ? proto : 'th';
    out.push(`${layer} ${dir} ${ports(match[dir], `${path}.${dir}`)}`);
  }
  const wanted = encode(fields, match.fields, `${path}.fields`);
  if (wanted.meta.mask) out.push(`meta mark & ${hex(wanted.meta.mask)} == ${hex(wanted.meta.value)}`);
  if (wanted.ct.mask) out.push(`ct mark & ${hex(wanted.ct.mask)} == ${hex(wanted.ct.value)}`);
  return out;
}

function writeStmt(key: 'meta mark' | 'ct mark', w: Masked): string {
  return `${key} set ${key} & ${hex(~w.mask >>> 0)} | ${hex(w.value)}`;
}

const HOOKS = ['prerouting', 'forward', 'output', 'postrouting'] as const;

function ruleLines(fields: readonly Field[], rule: PolicyRule, path: string): string[] {
  const matches = matchExprs(fields, rule.match ?? {}, `${path}.match`);
  const set = encode(fields, rule.set, `${path}.set`);
  const newOnly = Object.keys(rule.set ?? {}).some((n) => fields.find((f) => f.name === n)?.newOnly);
  const prefix = [...(newOnly ? ['ct state new'] : []), ...matches].join(' ');
  const lines: string[] = [];
  if (set.meta.mask) lines.push(`${prefix} ${writeStmt('meta mark', set.meta)}`.trim());
  if (set.ct.mask) lines.push(`${prefix} ${writeStmt('ct mark', set.ct)}`.trim());
  return lines;
}

/** Everything Markwright will own for this document. */
export function compileOwnedState(
  doc: MarkwrightDocument,
  ownership: Ownership = DEFAULT_OWNERSHIP,
): OwnedState {
  const fields = doc.layout.fields;
  const persistMask = fields
    .filter((f) => f.persist && f.space === 'fwmark')
    .reduce((m, f) => (m | f.mask) >>> 0, 0);
  const chains = new Map<string, string[]>(HOOKS.map((h) => [h, []]));
  doc.policy.rules.forEach((rule, i) => {
    const path = `policy.rules[${i}]`;
    const hook = rule.hook ?? 'prerouting';
    if (!HOOKS.includes(hook))
      throw new InputError(`${path}.hook`, hook, `must be one of ${HOOKS.join(', ')}`);
    chains.get(hook)!.push(...ruleLines(fields, rule, path));
  });
  const chainText: string[] = [];
  for (const hook of HOOKS) {
    const rules = chains.get(hook)!;
    const entry = hook === 'prerouting' || hook === 'output';
    if (rules.length === 0 && !(persistMask && entry)) continue;
    // Output is a route chain so a mark set here re-routes locally generated packets.
    const type = hook === 'output' ? 'route' : 'filter';
    const body = [`type ${type} hook ${hook} priority mangle; policy accept;`];
    // Persist fields: later packets of a connection get them back from the conntrack mark, and packets that
    // got them here save them there.
    if (persistMask && entry)
      body.push(`ct state established,related meta mark set ct mark & ${hex(persistMask)}`);
    body.push(...rules);
    if (persistMask && entry)
      body.push(
        `ct state new meta mark & ${hex(persistMask)} != 0x00000000 ct mark set meta mark & ${hex(persistMask)}`,
      );
    chainText.push(`\tchain ${hook} {\n${body.map((l) => `\t\t${l}\n`).join('')}\t}\n`);
  }
  const tableBody = chainText.length ? `table inet ${OWNED_TABLE} {\n${chainText.join('')}}\n` : '';

  const [lo, hi] = ownership.ipRulePriorities;
  const v4: string[] = [];
  const v6: string[] = [];
  doc.policy.routes.forEach((route, i) => {
    const path = `policy.routes[${i}]`;
    const when = encode(fields, route.when, `${path}.when`);
    if (when.ct.mask)
      throw new InputError(`${path}.when`, route.when, 'ip rules match the packet mark only (fwmark fields)');
    if (!Number.isInteger(route.priority) || route.priority < lo || route.priority > hi) {
      throw new InputError(
        `${path}.priority`,
        route.priority,
        `must be within Markwright's ip rule range ${lo}..${hi}`,
      );
    }
    if (
      !Number.isInteger(route.table) ||
      route.table < 1 ||
      route.table > 0xffffffff ||
      [253, 254, 255].includes(route.table)
    ) {
      throw new InputError(
        `${path}.table`,
        route.table,
        'must be a routing table number other than local/main/default',
      );
    }
    const mark =
      when.meta.mask === 0xffffffff
        ? shortHex(when.meta.value)
        : `${shortHex(when.meta.value)}/${shortHex(when.meta.mask)}`;
    // The form `ip rule show` prints back, so live and wanted compare as text.
    const line = `priority ${route.priority} from all fwmark ${mark} lookup ${route.table} proto ${ownership.ipRuleProtocol}`;
    const family = route.family ?? 'both';
    if (family === 4 || family === 'both') v4.push(line);
    if (family === 6 || family === 'both') v6.push(line);
  });

  const [tlo, thi] = ownership.tcPriorities;
  const tc = doc.policy.classes.map((binding, i) => {
    const path = `policy.classes[${i}]`;
    const when = encode(fields, binding.when, `${path}.when`);
    if (when.ct.mask)
      throw new InputError(`${path}.when`, binding.when, 'tc filters match the packet mark only');
    if (!NAME.test(binding.dev))
      throw new InputError(`${path}.dev`, binding.dev, 'must be an interface name');
    if (!/^[0-9a-fA-F]{1,4}:[0-9a-fA-F]{0,4}$/.test(binding.classid))
      throw new InputError(`${path}.classid`, binding.classid, 'must be MAJOR:MINOR');
    const parent = binding.parent ?? 'root';
    if (!/^(root|ingress|egress|[0-9a-fA-F]{1,4}:[0-9a-fA-F]{0,4})$/.test(parent))
      throw new InputError(`${path}.parent`, parent, 'must be root, ingress, egress or a handle');
    const prio = binding.priority ?? tlo + i;
    if (!Number.isInteger(prio) || prio < tlo || prio > thi)
      throw new InputError(`${path}.priority`, prio, `must be within ${tlo}..${thi}`);
    return `filter add dev ${binding.dev} parent ${parent} protocol all prio ${prio} handle ${shortHex(when.meta.value)}/${shortHex(when.meta.mask)} fw classid ${binding.classid}`;
  });
  return { nftScript: wrapTableBody(tableBody), ipRules: { v4, v6 }, tcFilters: tc };
}
