import { InputError } from '../bits/errors';
import type { Field } from '../layout/types';

// Documents reach compile from the parser, but also hand-built by the app and tests: the shapes are checked
// again here so a malformed entry is an InputError naming its path, never a TypeError.

export function listAt<T>(value: readonly T[] | undefined, path: string): readonly T[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new InputError(path, value, 'must be a list');
  return value;
}

export function objectAt<T>(value: T, path: string, what: string): T {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InputError(path, value, `must be an object (${what})`);
  }
  return value;
}

/** The types a field must have before its values are checked (layout validation assumes them). */
export function fieldShape(field: Field, path: string): void {
  objectAt(field, path, 'a field');
  if (typeof field.name !== 'string') throw new InputError(`${path}.name`, field.name, 'must be a string');
  if (field.space !== 'fwmark' && field.space !== 'connmark') {
    throw new InputError(`${path}.space`, field.space, 'must be "fwmark" or "connmark"');
  }
  if (field.kind !== 'flag' && field.kind !== 'enum' && field.kind !== 'int') {
    throw new InputError(`${path}.kind`, field.kind, 'must be "flag", "enum" or "int"');
  }
  if (typeof field.mask !== 'number') throw new InputError(`${path}.mask`, field.mask, 'must be a number');
  if (field.values !== undefined) objectAt(field.values, `${path}.values`, 'value names to numbers');
}
