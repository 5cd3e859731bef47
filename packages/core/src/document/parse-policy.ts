import type { Layout } from '../layout/types';
import { NAMED_PROTOCOLS } from '../net/protocols';
import { isTcClassid, isTcParent } from '../net/tc-handle';
import { readAddress, readFieldValues, readIfname } from './parse-common';
import { checkTableOwners, readRoute } from './parse-routes';
import { SECMARK_KEY } from './parse-secmarks';
import type { Reader } from './reader';
import type { ClassBinding, PacketMatch, Policy, PolicyHook, PolicyRule, PortSpec } from './types';

const HOOKS: readonly PolicyHook[] = ['prerouting', 'output', 'forward', 'postrouting'];
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

function readMatch(r: Reader, raw: unknown, path: string, layout: Layout): PacketMatch | undefined {
  const keys = ['iif', 'oif', 'proto', 'saddr', 'daddr', 'sport', 'dport', 'fields'];
  const obj = r.object(raw, path, keys);
  if (!obj) return undefined;
  const before = r.errors.length;
  const out: Record<string, unknown> = {};
  for (const key of ['iif', 'oif'] as const) {
    if (obj[key] !== undefined) out[key] = readIfname(r, obj[key], `${path}.${key}`);
  }
  if (obj.proto !== undefined) {
    out.proto =
      typeof obj.proto === 'number'
        ? r.integer(obj.proto, `${path}.proto`, 0, 255, 'a protocol number')
        : r.oneOf(obj.proto, `${path}.proto`, NAMED_PROTOCOLS);
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
  const dev = readIfname(r, obj.dev, `${path}.dev`);
  let classid = r.string(obj.classid, `${path}.classid`);
  if (classid !== undefined && !isTcClassid(classid)) {
    classid = r.fail(`${path}.classid`, classid, 'must be a tc class id MAJ:MIN in hex, e.g. "1:30"');
  }
  let parent = obj.parent === undefined ? undefined : r.string(obj.parent, `${path}.parent`);
  if (parent !== undefined && !isTcParent(parent)) {
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
  checkTableOwners(r, Array.isArray(obj.routes) ? obj.routes : [], `${path}.routes`);
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
