import { InputError } from '../bits/errors';
import { findField } from '../layout/encode';
import { rawOfValue } from '../layout/field-values';
import type { FieldSpace, FieldValues, Layout } from '../layout/types';
import { SECMARK_KEY } from './parse-secmarks';
import type { Reader } from './reader';
import type {
  ClassBinding,
  PacketMatch,
  Policy,
  PolicyHook,
  PolicyRule,
  PortSpec,
  RouteBinding,
} from './types';

const HOOKS: readonly PolicyHook[] = ['prerouting', 'output', 'forward', 'postrouting'];
const PROTOS = ['tcp', 'udp', 'icmp', 'icmpv6'] as const;
/** Kernel interface names: 1..15 bytes, no slash, no whitespace, not "." or "..". */
const IFNAME = /^[^/\s:]{1,15}$/;
/** tc handles: `MAJ:MIN` in hex, 1..4 digits each. */
const CLASSID = /^[0-9a-fA-F]{1,4}:[0-9a-fA-F]{1,4}$/;
/** Priorities ip rule accepts for our rules: 0 is the local table rule, 32766/32767 main and default. */
export const ROUTE_PRIORITY_MIN = 1;
export const ROUTE_PRIORITY_MAX = 32765;
/** Tables the kernel reserves: 253 default, 254 main, 255 local (0 is "unspecified"). */
const RESERVED_TABLES = new Map([
  [253, 'default'],
  [254, 'main'],
  [255, 'local'],
]);

/** Field values in policy terms, checked against the layout; `spaces` limits which fields may appear. */
function readFieldValues(
  r: Reader,
  raw: unknown,
  path: string,
  layout: Layout,
  spaces: readonly FieldSpace[],
  why: string,
): FieldValues | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return r.fail(path, raw, 'must be an object');
  const entries = Object.entries(raw);
  if (entries.length === 0) return r.fail(path, raw, 'must name at least one field');
  let ok = true;
  for (const [name, value] of entries) {
    const at = `${path}.${name}`;
    const field = findField(layout, name);
    if (!field) {
      const known = layout.fields.map((f) => f.name).join(', ') || 'none';
      r.fail(at, value, `"${name}" is not a field of the layout (fields: ${known})`);
      ok = false;
      continue;
    }
    if (!spaces.includes(field.space)) {
      r.fail(at, value, `"${name}" is a ${field.space} field; ${why}`);
      ok = false;
      continue;
    }
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      r.fail(at, value, `value of "${name}" must be a name, a number or a boolean`);
      ok = false;
      continue;
    }
    try {
      rawOfValue(field, value, at);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      r.errors.push({ field: at, message: error.message.slice(at.length + 2) });
      ok = false;
    }
  }
  return ok ? (Object.fromEntries(entries) as FieldValues) : undefined;
}

function readPortItem(r: Reader, raw: unknown, path: string): number | string | undefined {
  if (typeof raw === 'number') return r.integer(raw, path, 0, 65535, 'a port');
  if (typeof raw !== 'string') return r.fail(path, raw, 'must be a port number or a "low-high" range');
  const m = /^(\d{1,5})-(\d{1,5})$/.exec(raw);
  if (!m) return r.fail(path, raw, 'must be a port number or a "low-high" range');
  const low = Number(m[1]);
  const high = Number(m[2]);
  if (high > 65535) return r.fail(path, raw, 'port range must stay within 0..65535');
  if (low > high) return r.fail(path, raw, 'port range must be low-high with low <= high');
  return raw;
}

function readPorts(r: Reader, raw: unknown, path: string): PortSpec | undefined {
  if (!Array.isArray(raw)) return readPortItem(r, raw, path);
  if (raw.length === 0) return r.fail(path, raw, 'must list at least one port');
  const items = raw.map((item, i) => readPortItem(r, item, `${path}[${i}]`));
  return items.every((i) => i !== undefined) ? (items as (number | string)[]) : undefined;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6 = /^[0-9a-fA-F:.]{2,45}$/;

function readAddress(r: Reader, raw: unknown, path: string): string | undefined {
  const text = r.string(raw, path, 64);
  if (text === undefined) return undefined;
  const [addr, prefix, extra] = text.split('/');
  const v4 = IPV4.test(addr ?? '');
  const v6 = !v4 && IPV6.test(addr ?? '') && (addr ?? '').includes(':') && validIpv6(addr ?? '');
  if (extra !== undefined || (!v4 && !v6))
    return r.fail(path, raw, 'must be an IPv4 or IPv6 address or prefix');
  if (prefix !== undefined) {
    const max = v4 ? 32 : 128;
    if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > max) {
      return r.fail(path, raw, `prefix length must be 0..${max}`);
    }
  }
  return text;
}

function validIpv6(addr: string): boolean {
  const doubles = addr.split('::').length - 1;
  if (doubles > 1) return false;
  const groups = addr.split(':').filter((g) => g !== '');
  const last = groups[groups.length - 1] ?? '';
  const hasV4 = last.includes('.');
  if (hasV4 && !IPV4.test(last)) return false;
  const hexGroups = hasV4 ? groups.slice(0, -1) : groups;
  if (!hexGroups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  const count = hexGroups.length + (hasV4 ? 2 : 0);
  return doubles === 1 ? count < 8 : count === 8;
}

function readMatch(r: Reader, raw: unknown, path: string, layout: Layout): PacketMatch | undefined {
  const keys = ['iif', 'oif', 'proto', 'saddr', 'daddr', 'sport', 'dport', 'fields'];
  const obj = r.object(raw, path, keys);
  if (!obj) return undefined;
  const before = r.errors.length;
  const out: Record<string, unknown> = {};
  for (const key of ['iif', 'oif'] as const) {
    if (obj[key] === undefined) continue;
    const name = r.string(obj[key], `${path}.${key}`);
    if (name !== undefined && (!IFNAME.test(name) || name === '.' || name === '..')) {
      r.fail(`${path}.${key}`, name, 'must be an interface name (1..15 characters, no "/", ":" or spaces)');
    } else out[key] = name;
  }
  if (obj.proto !== undefined) {
    out.proto =
      typeof obj.proto === 'number'
        ? r.integer(obj.proto, `${path}.proto`, 0, 255, 'a protocol number')
        : r.oneOf(obj.proto, `${path}.proto`, PROTOS);
  }
  for (const key of ['saddr', 'daddr'] as const) {
    if (obj[key] !== undefined) out[key] = readAddress(r, obj[key], `${path}.${key}`);
  }
  for (const key of ['sport', 'dport'] as const) {
    if (obj[key] === undefined) continue;
    out[key] = readPorts(r, obj[key], `${path}.${key}`);
    const proto = obj.proto;
    if (!['tcp', 'udp', 6, 17, 132, 136].includes(proto as string | number)) {
      r.fail(`${path}.${key}`, obj[key], 'ports need "proto" tcp or udp (or 132 sctp, 136 udplite)');
    }
  }
  if (obj.fields !== undefined) {
    out.fields = readFieldValues(r, obj.fields, `${path}.fields`, layout, ['fwmark', 'connmark'], '');
  }
  if (r.errors.length !== before) return undefined;
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined)) as PacketMatch;
}

function readRule(r: Reader, raw: unknown, path: string, layout: Layout): PolicyRule | undefined {
  const obj = r.object(raw, path, ['name', 'match', 'set', 'hook']);
  if (!obj) return undefined;
  const name = r.string(obj.name, `${path}.name`, 128);
  if (name !== undefined && name.trim() === '') r.fail(`${path}.name`, name, 'must not be empty');
  const match = readMatch(r, obj.match ?? {}, `${path}.match`, layout);
  const { fields: rawSet, label } = splitLabel(r, obj.set, `${path}.set`, layout);
  const set =
    rawSet === undefined ? {} : readFieldValues(r, rawSet, `${path}.set`, layout, ['fwmark', 'connmark'], '');
  const hook = obj.hook === undefined ? undefined : r.oneOf(obj.hook, `${path}.hook`, HOOKS);
  if (name === undefined || match === undefined || set === undefined || label === null) return undefined;
  if (obj.hook !== undefined && hook === undefined) return undefined;
  return {
    name,
    match,
    set,
    ...(label !== undefined && { secmark: label }),
    ...(hook !== undefined && { hook }),
  };
}

/**
 * Take the label out of a rule's `set`: the field values left (undefined when only a label was set) and the
 * label name (undefined when none, null when it was refused).
 */
function splitLabel(
  r: Reader,
  raw: unknown,
  path: string,
  layout: Layout,
): { fields: unknown; label: string | undefined | null } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || !(SECMARK_KEY in raw)) {
    return { fields: raw, label: undefined };
  }
  const { [SECMARK_KEY]: value, ...rest } = raw as Record<string, unknown>;
  const fields = Object.keys(rest).length === 0 ? undefined : rest;
  const at = `${path}.${SECMARK_KEY}`;
  const labels = layout.secmarks ?? [];
  if (Array.isArray(value))
    return { fields, label: r.fail(at, value, 'a rule sets at most one label') ?? null };
  if (typeof value !== 'string') return { fields, label: r.fail(at, value, 'must name a label') ?? null };
  if (!labels.some((l) => l.name === value)) {
    const known = labels.map((l) => l.name).join(', ') || 'none';
    return {
      fields,
      label: r.fail(at, value, `"${value}" is not a label of the layout (layout.secmarks: ${known})`) ?? null,
    };
  }
  return { fields, label: value };
}

function readTable(r: Reader, raw: unknown, path: string): number | undefined {
  const table = r.integer(raw, path, 1, 0xffffffff, 'a routing table id');
  if (table !== undefined && RESERVED_TABLES.has(table)) {
    return r.fail(
      path,
      raw,
      `table ${table} is the kernel's "${RESERVED_TABLES.get(table)}" table (reserved)`,
    );
  }
  return table;
}

function readRoute(r: Reader, raw: unknown, path: string, layout: Layout): RouteBinding | undefined {
  const obj = r.object(raw, path, ['when', 'table', 'priority', 'family']);
  if (!obj) return undefined;
  const when = readFieldValues(
    r,
    obj.when,
    `${path}.when`,
    layout,
    ['fwmark'],
    'ip rules see only the fwmark',
  );
  const table = readTable(r, obj.table, `${path}.table`);
  const priority = r.integer(
    obj.priority,
    `${path}.priority`,
    ROUTE_PRIORITY_MIN,
    ROUTE_PRIORITY_MAX,
    'a priority',
  );
  const family = obj.family === undefined ? undefined : r.oneOf(obj.family, `${path}.family`, [4, 6, 'both']);
  if (when === undefined || table === undefined || priority === undefined) return undefined;
  if (obj.family !== undefined && family === undefined) return undefined;
  return { when, table, priority, ...(family !== undefined && { family }) };
}

function readClass(r: Reader, raw: unknown, path: string, layout: Layout): ClassBinding | undefined {
  const obj = r.object(raw, path, ['when', 'dev', 'classid', 'parent', 'priority']);
  if (!obj) return undefined;
  const when = readFieldValues(
    r,
    obj.when,
    `${path}.when`,
    layout,
    ['fwmark'],
    'tc filters see only the fwmark',
  );
  let dev = r.string(obj.dev, `${path}.dev`);
  if (dev !== undefined && (!IFNAME.test(dev) || dev === '.' || dev === '..')) {
    dev = r.fail(`${path}.dev`, dev, 'must be an interface name (1..15 characters, no "/", ":" or spaces)');
  }
  let classid = r.string(obj.classid, `${path}.classid`);
  if (classid !== undefined && !CLASSID.test(classid)) {
    classid = r.fail(`${path}.classid`, classid, 'must be a tc class id MAJ:MIN in hex, e.g. "1:30"');
  }
  let parent = obj.parent === undefined ? undefined : r.string(obj.parent, `${path}.parent`);
  if (
    parent !== undefined &&
    parent !== 'root' &&
    !CLASSID.test(parent) &&
    !/^[0-9a-fA-F]{1,4}:$/.test(parent)
  ) {
    parent = r.fail(`${path}.parent`, parent, 'must be "root" or a tc handle such as "1:" or "1:10"');
  }
  const priority =
    obj.priority === undefined
      ? undefined
      : r.integer(obj.priority, `${path}.priority`, 1, 65535, 'a priority');
  if (when === undefined || dev === undefined || classid === undefined) return undefined;
  if (
    (obj.parent !== undefined && parent === undefined) ||
    (obj.priority !== undefined && priority === undefined)
  ) {
    return undefined;
  }
  return {
    when,
    dev,
    classid,
    ...(parent !== undefined && { parent }),
    ...(priority !== undefined && { priority }),
  };
}

function readList<T>(
  r: Reader,
  raw: unknown,
  path: string,
  read: (item: unknown, at: string) => T | undefined,
): T[] {
  if (raw === undefined) return [];
  const list = r.array(raw, path);
  if (!list) return [];
  return list.map((item, i) => read(item, `${path}[${i}]`)).filter((x): x is T => x !== undefined);
}

/** Read `policy` in the layout's terms; every unknown field or value it names is reported. */
export function readPolicy(r: Reader, raw: unknown, layout: Layout, path = 'policy'): Policy | undefined {
  if (raw === undefined) return { rules: [], routes: [], classes: [] };
  const obj = r.object(raw, path, ['rules', 'routes', 'classes']);
  if (!obj) return undefined;
  const rules = readList(r, obj.rules, `${path}.rules`, (item, at) => readRule(r, item, at, layout));
  const routes = readList(r, obj.routes, `${path}.routes`, (item, at) => readRoute(r, item, at, layout));
  const classes = readList(r, obj.classes, `${path}.classes`, (item, at) => readClass(r, item, at, layout));
  const names = new Map<string, number>();
  (Array.isArray(obj.rules) ? obj.rules : []).forEach((rule: unknown, i) => {
    const name = (rule as { name?: unknown } | null)?.name;
    if (typeof name !== 'string') return;
    if (names.has(name))
      r.fail(`${path}.rules[${i}].name`, name, `is already used by ${path}.rules[${names.get(name)}]`);
    else names.set(name, i);
  });
  const priorities = new Map<number, number>();
  (Array.isArray(obj.routes) ? obj.routes : []).forEach((route: unknown, i) => {
    const priority = (route as { priority?: unknown } | null)?.priority;
    if (typeof priority !== 'number') return;
    if (priorities.has(priority)) {
      r.fail(
        `${path}.routes[${i}].priority`,
        priority,
        `is already used by ${path}.routes[${priorities.get(priority)}]`,
      );
    } else priorities.set(priority, i);
  });
  return { rules, routes, classes };
}
