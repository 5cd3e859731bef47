// Validation as the user types. Every message is keyed by the path of the input it belongs to
// (`fields.3.name`, keyed by field id so it follows the field while the list changes), so each view can show
// it next to that input. A document with any message is not saved.

import { hex } from '@markwright/core';
import type { DraftDocument, DraftField, DraftFieldValues } from './draft';
import { fieldNumber } from './mark-codec';

export type Problems = Readonly<Record<string, string>>;

// The same rule core applies to field and value names (short lowercase identifiers, safe in nft comments).
const NAME = /^[a-z][a-z0-9_-]{0,31}$/;
const NUMBER = /^(0|[1-9][0-9]*|0[xX][0-9a-fA-F]+)$/;

export const fieldKey = (f: DraftField, part: string): string => `fields.${f.id}.${part}`;

export function validateFields(fields: readonly DraftField[]): Record<string, string> {
  const out: Record<string, string> = {};
  const seen = new Map<string, DraftField>();
  fields.forEach((f, i) => {
    if (f.name.trim() === '') out[fieldKey(f, 'name')] = 'a field needs a name';
    else if (!NAME.test(f.name)) {
      out[fieldKey(f, 'name')] =
        `"${f.name}" must start with a-z and use only a-z, 0-9, _ and - (at most 32)`;
    } else if (seen.has(f.name))
      out[fieldKey(f, 'name')] = `"${f.name}" is already the name of another field`;
    else seen.set(f.name, f);

    const bits = popcount(f.mask);
    if (bits === 0) out[fieldKey(f, 'mask')] = 'the field has no bits';
    for (const other of fields.slice(0, i)) {
      if (other.space === f.space && (other.mask & f.mask) !== 0) {
        out[fieldKey(f, 'mask')] =
          `overlaps "${other.name}" on bits ${hex(other.mask & f.mask)} of the ${f.space === 'fwmark' ? 'packet mark' : 'conntrack mark'}`;
      }
    }
    if (f.kind === 'flag' && bits > 1) out[fieldKey(f, 'kind')] = `a flag is one bit; this field has ${bits}`;
    if (f.kind === 'enum') validateEnum(f, bits, out);
    if (f.kind === 'int') validateRange(f, bits, out);
    if (f.persist && f.space === 'connmark') {
      out[fieldKey(f, 'persist')] =
        'persist copies a packet-mark field to the conntrack mark; this field is already there';
    }
  });
  return out;
}

function validateEnum(f: DraftField, bits: number, out: Record<string, string>): void {
  if (f.values.length === 0) out[fieldKey(f, 'values')] = 'an enum needs at least one value';
  const max = 2 ** bits - 1;
  const names = new Set<string>();
  f.values.forEach((v, j) => {
    if (!NAME.test(v.name)) out[fieldKey(f, `values.${j}.name`)] = `"${v.name}" is not a valid value name`;
    else if (names.has(v.name)) out[fieldKey(f, `values.${j}.name`)] = `"${v.name}" is listed twice`;
    names.add(v.name);
    const t = v.value.trim();
    if (!NUMBER.test(t)) out[fieldKey(f, `values.${j}.value`)] = `"${v.value}" is not a number`;
    else if (Number(t) > max) {
      out[fieldKey(f, `values.${j}.value`)] =
        `${t} is too large for ${f.name || 'this field'} (${bits} bit${bits === 1 ? '' : 's'}: at most ${max})`;
    }
  });
}

function validateRange(f: DraftField, bits: number, out: Record<string, string>): void {
  const max = bits >= 32 ? 0xffffffff : 2 ** bits - 1;
  const read = (part: 'min' | 'max'): number | null => {
    const t = f[part].trim();
    if (t === '') return null;
    if (!NUMBER.test(t)) {
      out[fieldKey(f, part)] = `"${f[part]}" is not a number`;
      return null;
    }
    if (Number(t) > max) {
      out[fieldKey(f, part)] = `${t} is too large for ${f.name || 'this field'} (at most ${max})`;
      return null;
    }
    return Number(t);
  };
  const lo = read('min');
  const hi = read('max');
  if (lo !== null && hi !== null && lo > hi) out[fieldKey(f, 'max')] = `max ${hi} is below min ${lo}`;
}

/** Field values typed in the policy: each names a field and a value that fits it. */
export function validateFieldValues(
  fields: readonly DraftField[],
  values: DraftFieldValues,
  keyPrefix: string,
  out: Record<string, string>,
): void {
  for (const [name, text] of Object.entries(values)) {
    if (text.trim() === '') continue;
    const f = fields.find((x) => x.name === name);
    if (!f) {
      out[`${keyPrefix}.${name}`] = `no field is named "${name}"`;
      continue;
    }
    const n = fieldNumber(f, text.trim());
    if (typeof n === 'string') out[`${keyPrefix}.${name}`] = n;
  }
}

export function validatePolicy(d: DraftDocument): Record<string, string> {
  const out: Record<string, string> = {};
  d.rules.forEach((r, i) => {
    if (r.name.trim() === '') out[`rules.${i}.name`] = 'a rule needs a name';
    const proto = r.proto.trim();
    if (proto && !['tcp', 'udp', 'icmp', 'icmpv6'].includes(proto) && !/^[0-9]+$/.test(proto)) {
      out[`rules.${i}.proto`] = `"${proto}" is not tcp, udp, icmp, icmpv6 or a protocol number`;
    }
    if ((r.sport.trim() || r.dport.trim()) && !['tcp', 'udp'].includes(proto)) {
      out[`rules.${i}.proto`] = 'ports need proto tcp or udp';
    }
    for (const key of ['sport', 'dport'] as const) {
      const bad = r[key]
        .split(',')
        .map((p) => p.trim())
        .find((p) => p !== '' && !/^[0-9]{1,5}(-[0-9]{1,5})?$/.test(p));
      if (bad !== undefined) out[`rules.${i}.${key}`] = `"${bad}" is not a port or a range like 1000-2000`;
    }
    validateFieldValues(d.fields, r.matchFields, `rules.${i}.match`, out);
    validateFieldValues(d.fields, r.set, `rules.${i}.set`, out);
    if (Object.values(r.set).every((v) => v.trim() === '')) out[`rules.${i}.set`] = 'set at least one field';
  });
  d.routes.forEach((r, i) => {
    validateFieldValues(d.fields, r.when, `routes.${i}.when`, out);
    if (!/^[0-9]+$/.test(r.table.trim())) out[`routes.${i}.table`] = `"${r.table}" is not a table number`;
    if (!/^[0-9]+$/.test(r.priority.trim()))
      out[`routes.${i}.priority`] = `"${r.priority}" is not a priority`;
  });
  d.classes.forEach((c, i) => {
    validateFieldValues(d.fields, c.when, `classes.${i}.when`, out);
    if (!/^[A-Za-z0-9_.-]+$/.test(c.dev.trim())) out[`classes.${i}.dev`] = `"${c.dev}" is not a device name`;
    if (!/^[0-9a-fA-F]+:[0-9a-fA-F]*$/.test(c.classid.trim())) {
      out[`classes.${i}.classid`] = `"${c.classid}" is not a class id like 1:30`;
    }
    const parent = c.parent.trim();
    if (parent !== '' && parent !== 'root' && !/^[0-9a-fA-F]+:[0-9a-fA-F]*$/.test(parent)) {
      out[`classes.${i}.parent`] = `"${c.parent}" is not root or a handle like 1:`;
    }
    if (c.priority.trim() !== '' && !/^[0-9]{1,5}$/.test(c.priority.trim())) {
      out[`classes.${i}.priority`] = `"${c.priority}" is not a filter priority`;
    }
  });
  return out;
}

export function validateDocument(d: DraftDocument): Record<string, string> {
  const out: Record<string, string> = {};
  if (!NAME.test(d.name)) out.name = `"${d.name}" is not a valid layout name`;
  return { ...out, ...validateFields(d.fields), ...validatePolicy(d) };
}

function popcount(n: number): number {
  let c = 0;
  for (let bit = 0; bit < 32; bit++) c += (n >>> bit) & 1;
  return c;
}
