import { hex, isU32, popcount, u32 } from '../bits/u32';
import type { CheckError } from '../reports/types';
import { fieldCapacity } from './field-values';
import type { Field, Layout } from './types';

/** Field and enum value names: short lowercase identifiers, safe in nft comments, chain names and CLI args. */
export const NAME_PATTERN = /^[a-z][a-z0-9_-]*$/;
export const NAME_MAX = 32;

export function nameProblem(name: string): string | null {
  if (name.length > NAME_MAX) return `is longer than ${NAME_MAX} characters`;
  if (!NAME_PATTERN.test(name)) return 'must start with a-z and use only a-z, 0-9, "_" and "-"';
  return null;
}

const show = (value: unknown): string => JSON.stringify(value) ?? String(value);

/** Problems with one field on its own: bits, values, ranges, attributes. */
export function fieldErrors(field: Field, path: string): CheckError[] {
  const errors: CheckError[] = [];
  const err = (at: string, message: string) => errors.push({ field: `${path}.${at}`, message });
  const nameIssue = nameProblem(field.name);
  if (nameIssue) err('name', `field name ${show(field.name)} ${nameIssue}`);
  if (!isU32(field.mask) || field.mask === 0) {
    err('mask', `mask ${show(field.mask)} must be a non-zero 32-bit value`);
    return errors;
  }
  const bits = popcount(field.mask);
  const capacity = fieldCapacity(field);
  if (field.kind === 'flag' && bits !== 1) {
    err('mask', `flag field "${field.name}" must occupy exactly 1 bit, mask ${hex(field.mask)} has ${bits}`);
  }
  if (field.kind === 'enum') {
    const entries = Object.entries(field.values ?? {});
    if (entries.length === 0) err('values', `enum field "${field.name}" needs at least one named value`);
    const seen = new Map<number, string>();
    for (const [name, n] of entries) {
      const issue = nameProblem(name);
      if (issue) err(`values.${name}`, `value name ${show(name)} ${issue}`);
      if (!Number.isInteger(n) || n < 0 || n > capacity) {
        err(
          `values.${name}`,
          `value ${show(n)} does not fit in the ${bits} bit(s) of "${field.name}" (0..${capacity})`,
        );
      } else if (seen.has(n)) {
        err(`values.${name}`, `value ${n} is already used by "${seen.get(n)}"`);
      } else seen.set(n, name);
    }
  } else if (field.values !== undefined) {
    err('values', `only enum fields take "values" ("${field.name}" is ${field.kind})`);
  }
  if (field.kind === 'int') {
    for (const key of ['min', 'max'] as const) {
      const n = field[key];
      if (n !== undefined && (!Number.isInteger(n) || n < 0 || n > capacity)) {
        err(key, `${key} ${show(n)} does not fit in the ${bits} bit(s) of "${field.name}" (0..${capacity})`);
      }
    }
    if (field.min !== undefined && field.max !== undefined && field.min > field.max) {
      err('min', `min ${field.min} is greater than max ${field.max}`);
    }
  } else {
    for (const key of ['min', 'max'] as const) {
      if (field[key] !== undefined)
        err(key, `only int fields take "${key}" ("${field.name}" is ${field.kind})`);
    }
  }
  if (field.persist && field.space === 'connmark') {
    err(
      'persist',
      `persist saves a fwmark field to the connmark; "${field.name}" already lives in the connmark`,
    );
  }
  return errors;
}

/**
 * Every problem in a layout, each naming its path (`layout.fields[i].key`): per-field problems, duplicate names,
 * fields of one space sharing bits, and persisted fwmark fields whose bits a connmark field also uses
 * (saving the fwmark to the ct mark would overwrite that field).
 */
export function layoutErrors(
  layout: Layout,
  fieldPath: (index: number) => string = (i) => `layout.fields[${i}]`,
): CheckError[] {
  const errors: CheckError[] = [];
  const fields = layout.fields;
  fields.forEach((f, i) => {
    errors.push(...fieldErrors(f, fieldPath(i)));
  });
  for (let i = 0; i < fields.length; i++) {
    const a = fields[i]!;
    for (let j = 0; j < i; j++) {
      const b = fields[j]!;
      const at = fieldPath(i);
      if (a.name === b.name) {
        errors.push({
          field: `${at}.name`,
          message: `field name "${a.name}" is already used by ${fieldPath(j)}`,
        });
      }
      const shared = u32(a.mask & b.mask);
      if (shared !== 0 && a.space === b.space) {
        errors.push({
          field: `${at}.mask`,
          message: `fields "${b.name}" and "${a.name}" overlap in ${a.space} bits ${hex(shared)}`,
        });
      }
      if (shared !== 0 && a.space !== b.space) {
        const [kept, ct] = a.space === 'fwmark' ? [a, b] : [b, a];
        if (kept.persist) {
          errors.push({
            field: `${at}.mask`,
            message:
              `persisted fwmark field "${kept.name}" and connmark field "${ct.name}" share bits ${hex(shared)}: ` +
              `saving "${kept.name}" to the ct mark would overwrite "${ct.name}"`,
          });
        }
      }
    }
  }
  return errors;
}
