// The editable form of a document: text where the user types (so errors can be shown against the raw input),
// numbers where the UI computes (masks). Converted to and from the `markwright/1` JSON the API carries.

import type { DocumentJson } from '@markwright/api';
import type { FieldKind, FieldSpace } from '@markwright/core';
import { maskOf, u32 } from '@markwright/core';

export interface DraftValue {
  name: string;
  /** The number as typed (decimal or 0x-hex). */
  value: string;
}

export interface DraftField {
  /** Stable identity inside the editor (names change while typing). */
  id: number;
  name: string;
  space: FieldSpace;
  kind: FieldKind;
  mask: number;
  values: DraftValue[];
  min: string;
  max: string;
  persist: boolean;
  newOnly: boolean;
  description: string;
}

/** Field values as typed: `field name -> value text` (enum name, number, 0/1 for flags). */
export type DraftFieldValues = Record<string, string>;

/** A security label (`layout.secmarks[i]`): an SELinux-style context packets are labelled with. */
export interface DraftLabel {
  /** Stable identity inside the editor (names change while typing). */
  id: number;
  name: string;
  context: string;
  persist: boolean;
}

export interface DraftRule {
  name: string;
  hook: 'prerouting' | 'output' | 'forward' | 'postrouting';
  proto: string;
  iif: string;
  oif: string;
  saddr: string;
  daddr: string;
  sport: string;
  dport: string;
  matchFields: DraftFieldValues;
  set: DraftFieldValues;
  /** The label the rule sets (`set.secmark`); empty for none. */
  secmark: string;
}

export interface DraftRoute {
  when: DraftFieldValues;
  table: string;
  priority: string;
  /** `4`, `6`, or `both` (the default, kept implicit). */
  family: '4' | '6' | 'both';
  /**
   * What the form does not edit (`owns`, `iif`, `oif`, `from`, `to`, `not`, `suppress_prefixlength`, ...), kept as
   * read so that saving from the designer never drops it.
   */
  kept?: Readonly<Record<string, unknown>>;
}

export interface DraftClass {
  when: DraftFieldValues;
  dev: string;
  classid: string;
  /** tc parent; blank for the default (`root`). */
  parent: string;
  /** tc filter priority; blank for the default. */
  priority: string;
}

export interface DraftDocument {
  name: string;
  description: string;
  fields: DraftField[];
  labels: DraftLabel[];
  rules: DraftRule[];
  routes: DraftRoute[];
  classes: DraftClass[];
}

export function emptyDraft(name: string): DraftDocument {
  return { name, description: '', fields: [], labels: [], rules: [], routes: [], classes: [] };
}

let nextId = 1;
export const newFieldId = (): number => nextId++;

export function newField(space: FieldSpace, mask: number, name: string): DraftField {
  const kind: FieldKind = mask && (mask & (mask - 1)) === 0 ? 'flag' : 'int';
  return {
    id: newFieldId(),
    name,
    space,
    kind,
    mask: u32(mask),
    values: [],
    min: '',
    max: '',
    persist: false,
    newOnly: false,
    description: '',
  };
}

/** A new label named `name`, with a context of the documented form for the user to replace. */
export const newLabel = (name: string): DraftLabel => ({
  id: newFieldId(),
  name,
  context: `system_u:object_r:${name.replaceAll('-', '_')}_t:s0`,
  persist: false,
});

/** A new policy rule (number n in the list): it matches everything until the user narrows it. */
export const newRule = (n: number): DraftRule => ({
  name: `rule${n}`,
  hook: 'prerouting',
  proto: '',
  iif: '',
  oif: '',
  saddr: '',
  daddr: '',
  sport: '',
  dport: '',
  matchFields: {},
  set: {},
  secmark: '',
});

/** A new route binding after `count` others, on its own ip rule priority. */
export const newRoute = (count: number): DraftRoute => ({
  when: {},
  table: '100',
  priority: String(10000 + count),
  family: 'both',
});

/** A new class binding after `count` others, on its own tc filter priority. */
export const newClass = (count: number): DraftClass => ({
  when: {},
  dev: 'eth0',
  classid: '1:10',
  parent: '',
  priority: String(49000 + count),
});

/** Lowest set bit and run length when the mask is one contiguous run of ones, else null. */
export function contiguousSpan(mask: number): { offset: number; width: number } | null {
  const m = u32(mask);
  if (m === 0) return null;
  let offset = 0;
  while (((m >>> offset) & 1) === 0) offset++;
  let width = 0;
  while (offset + width < 32 && ((m >>> (offset + width)) & 1) === 1) width++;
  return maskOf(offset, width) === m ? { offset, width } : null;
}

const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));
const obj = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const textValues = (v: unknown): DraftFieldValues =>
  Object.fromEntries(Object.entries(obj(v)).map(([k, x]) => [k, str(x)]));

function fieldFromJson(raw: unknown): DraftField {
  const f = obj(raw);
  const offset = typeof f.offset === 'number' ? f.offset : undefined;
  const kind = (f.kind === 'enum' || f.kind === 'int' ? f.kind : 'flag') as FieldKind;
  const width = typeof f.width === 'number' ? f.width : kind === 'flag' ? 1 : undefined;
  const mask =
    typeof f.mask === 'number'
      ? f.mask
      : typeof f.mask === 'string'
        ? Number(f.mask)
        : offset !== undefined && width !== undefined
          ? maskOf(offset, width)
          : 0;
  return {
    id: newFieldId(),
    name: str(f.name),
    space: f.space === 'connmark' ? 'connmark' : 'fwmark',
    kind,
    mask: u32(Number.isFinite(mask) ? mask : 0),
    values: Object.entries(obj(f.values)).map(([name, value]) => ({ name, value: str(value) })),
    min: str(f.min),
    max: str(f.max),
    persist: f.persist === true,
    newOnly: f.newOnly === true,
    description: str(f.description),
  };
}

function labelFromJson(raw: unknown): DraftLabel {
  const l = obj(raw);
  return { id: newFieldId(), name: str(l.name), context: str(l.context), persist: l.persist === true };
}

function ruleFromJson(raw: unknown): DraftRule {
  const r = obj(raw);
  const m = obj(r.match);
  const hook = r.hook;
  // `set.secmark` names a label; the other keys of `set` are field values.
  const { secmark, ...set } = obj(r.set);
  return {
    name: str(r.name),
    hook: hook === 'output' || hook === 'forward' || hook === 'postrouting' ? hook : 'prerouting',
    proto: str(m.proto),
    iif: str(m.iif),
    oif: str(m.oif),
    saddr: str(m.saddr),
    daddr: str(m.daddr),
    sport: Array.isArray(m.sport) ? m.sport.join(',') : str(m.sport),
    dport: Array.isArray(m.dport) ? m.dport.join(',') : str(m.dport),
    matchFields: textValues(m.fields),
    set: textValues(set),
    secmark: str(secmark),
  };
}

export function draftFromDocument(doc: DocumentJson): DraftDocument {
  const layout = obj(doc.layout);
  const policy = obj(doc.policy);
  return {
    name: str(doc.name),
    description: str(doc.description),
    fields: arr(layout.fields).map(fieldFromJson),
    labels: arr(layout.secmarks).map(labelFromJson),
    rules: arr(policy.rules).map(ruleFromJson),
    routes: arr(policy.routes).map((x) => {
      const { when, table, priority, family: fam, ...kept } = obj(x);
      const family = fam === 4 ? '4' : fam === 6 ? '6' : 'both';
      const route: DraftRoute = {
        when: textValues(when),
        table: str(table),
        priority: str(priority),
        family,
      };
      return Object.keys(kept).length > 0 ? { ...route, kept } : route;
    }),
    classes: arr(policy.classes).map((x) => {
      const c = obj(x);
      return {
        when: textValues(c.when),
        dev: str(c.dev),
        classid: str(c.classid),
        parent: str(c.parent),
        priority: str(c.priority),
      };
    }),
  };
}

const INTEGER = /^(0|[1-9][0-9]*|0[xX][0-9a-fA-F]+)$/;

/** A typed value becomes a number when it is one, else stays a name (enum value). */
export function valueFromText(text: string): string | number {
  const t = text.trim();
  return INTEGER.test(t) ? Number(t) : t;
}

/** A field value as documents carry it: numbers, enum names, and flags' true/false. */
export function fieldValueFromText(text: string): string | number | boolean {
  const t = text.trim();
  if (t === 'true' || t === 'false') return t === 'true';
  return valueFromText(t);
}

function valuesToJson(values: DraftFieldValues): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(values)) if (v.trim() !== '') out[k] = fieldValueFromText(v);
  return out;
}

function portToJson(text: string): number | string | (number | string)[] | undefined {
  const parts = text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  const one = (p: string): number | string => (/^[0-9]+$/.test(p) ? Number(p) : p);
  if (parts.length === 0) return undefined;
  return parts.length === 1 ? one(parts[0]!) : parts.map(one);
}

export function fieldToJson(f: DraftField): Record<string, unknown> {
  const span = contiguousSpan(f.mask);
  const out: Record<string, unknown> = { name: f.name, space: f.space, kind: f.kind };
  if (span) {
    out.offset = span.offset;
    // A one-bit flag is written as the documented example does: offset alone.
    if (!(f.kind === 'flag' && span.width === 1)) out.width = span.width;
  } else {
    out.mask = f.mask;
  }
  if (f.kind === 'enum') {
    out.values = Object.fromEntries(f.values.map((v) => [v.name, valueFromText(v.value)]));
  }
  if (f.kind === 'int' && f.min.trim() !== '') out.min = valueFromText(f.min);
  if (f.kind === 'int' && f.max.trim() !== '') out.max = valueFromText(f.max);
  if (f.persist) out.persist = true;
  if (f.newOnly) out.newOnly = true;
  if (f.description.trim() !== '') out.description = f.description;
  return out;
}

export function labelToJson(l: DraftLabel): Record<string, unknown> {
  return { name: l.name, context: l.context, ...(l.persist && { persist: true }) };
}

export function draftToDocument(d: DraftDocument): DocumentJson {
  const rules = d.rules.map((r) => {
    const match: Record<string, unknown> = {};
    const proto = r.proto.trim();
    if (proto !== '') match.proto = /^[0-9]+$/.test(proto) ? Number(proto) : proto;
    for (const key of ['iif', 'oif', 'saddr', 'daddr'] as const)
      if (r[key].trim()) match[key] = r[key].trim();
    const sport = portToJson(r.sport);
    const dport = portToJson(r.dport);
    if (sport !== undefined) match.sport = sport;
    if (dport !== undefined) match.dport = dport;
    const fields = valuesToJson(r.matchFields);
    if (Object.keys(fields).length > 0) match.fields = fields;
    const set: Record<string, unknown> = valuesToJson(r.set);
    if (r.secmark !== '') set.secmark = r.secmark;
    const rule: Record<string, unknown> = { name: r.name, match, set };
    if (r.hook !== 'prerouting') rule.hook = r.hook;
    return rule;
  });
  const doc: Record<string, unknown> = {
    format: 'markwright/1',
    name: d.name,
    layout: {
      fields: d.fields.map(fieldToJson),
      ...(d.labels.length > 0 && { secmarks: d.labels.map(labelToJson) }),
    },
    policy: {
      rules,
      routes: d.routes.map((r) => {
        const when = valuesToJson(r.when);
        const route: Record<string, unknown> = {
          ...r.kept,
          // `when` is optional where the binding selects otherwise (iif, from, suppress_prefixlength, ...); a
          // binding the form made always has one, so an empty one is reported on its input.
          ...((Object.keys(when).length > 0 || r.kept === undefined) && { when }),
          table: valueFromText(r.table),
          priority: valueFromText(r.priority),
        };
        if (r.family !== 'both') route.family = Number(r.family);
        return route;
      }),
      classes: d.classes.map((c) => {
        const binding: Record<string, unknown> = {
          when: valuesToJson(c.when),
          dev: c.dev,
          classid: c.classid,
        };
        if (c.parent.trim() !== '') binding.parent = c.parent.trim();
        if (c.priority.trim() !== '') binding.priority = valueFromText(c.priority);
        return binding;
      }),
    },
  };
  if (d.description.trim() !== '') doc.description = d.description;
  return doc;
}
