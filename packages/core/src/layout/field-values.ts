import { InputError } from '../bits/errors';
import { popcount } from '../bits/u32';
import type { Field } from './types';

/** The largest raw number a field can hold: 2^bits - 1. */
export const fieldCapacity = (field: Pick<Field, 'mask'>): number => 2 ** popcount(field.mask) - 1;

/** The inclusive range of raw numbers an int field accepts. */
export function intRange(field: Field): { min: number; max: number } {
  return { min: field.min ?? 0, max: field.max ?? fieldCapacity(field) };
}

/**
 * The raw number a field value stands for: flags take 0/1/true/false, enums a value name (or one of their numbers),
 * ints an integer in range. `path` names the value in errors (e.g. `policy.rules[0].set.uplink`).
 */
export function rawOfValue(field: Field, value: unknown, path: string): number {
  switch (field.kind) {
    case 'flag':
      if (value === true || value === 1) return 1;
      if (value === false || value === 0) return 0;
      throw new InputError(path, value, `flag field "${field.name}" takes 0, 1, true or false`);
    case 'enum': {
      const values = field.values ?? {};
      if (typeof value === 'string') {
        if (Object.hasOwn(values, value)) return values[value]!;
        throw new InputError(
          path,
          value,
          `is not a value of enum field "${field.name}" (known: ${Object.keys(values).join(', ') || 'none'})`,
        );
      }
      if (typeof value === 'number' && Object.values(values).includes(value)) return value;
      throw new InputError(path, value, `enum field "${field.name}" takes one of its value names`);
    }
    case 'int': {
      const { min, max } = intRange(field);
      if (typeof value !== 'number' || !Number.isInteger(value)) {
        throw new InputError(path, value, `int field "${field.name}" takes an integer`);
      }
      if (value < min || value > max) {
        throw new InputError(
          path,
          value,
          `is outside the range of int field "${field.name}" (${min}..${max})`,
        );
      }
      return value;
    }
  }
}

/** The field value a raw number decodes to: the enum name when one matches, else the number. */
export function valueOfRaw(field: Field, raw: number): string | number {
  if (field.kind === 'enum' && field.values) {
    for (const [name, n] of Object.entries(field.values)) if (n === raw) return name;
  }
  return raw;
}

/** True when the raw number is one the field defines (an enum value, an int in range; flags always). */
export function isDefinedRaw(field: Field, raw: number): boolean {
  if (field.kind === 'enum') return Object.values(field.values ?? {}).includes(raw);
  if (field.kind === 'int') {
    const { min, max } = intRange(field);
    return raw >= min && raw <= max;
  }
  return true;
}
