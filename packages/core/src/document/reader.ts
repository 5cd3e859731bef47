import { parseU32 } from '../bits/u32';
import type { CheckError } from '../reports/types';

const show = (value: unknown): string => {
  try {
    const text = JSON.stringify(value);
    if (text === undefined) return String(value);
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
  } catch {
    return typeof value;
  }
};

/** The path of the whole document; its keys are named bare (`format`, `layout.fields[0]`). */
export const ROOT = 'document';

export type JsonObject = Readonly<Record<string, unknown>>;

/**
 * Reads untrusted JSON while collecting every problem, each naming its JSON path and the value found. Readers
 * return undefined when the value is unusable so that checking can go on and report the rest.
 */
export class Reader {
  readonly errors: CheckError[] = [];

  fail(path: string, value: unknown, message: string): undefined {
    this.errors.push({ field: path, message: `${message} (got ${show(value)})` });
    return undefined;
  }

  /** A plain object with only the keys listed; unknown keys are refused by name. */
  object(value: unknown, path: string, keys: readonly string[]): JsonObject | undefined {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return this.fail(path, value, 'must be an object');
    }
    const obj = value as JsonObject;
    for (const key of Object.keys(obj)) {
      if (!keys.includes(key)) {
        const at = path === ROOT ? key : `${path}.${key}`;
        this.fail(at, obj[key], `unknown key "${key}" (known: ${keys.join(', ')})`);
      }
    }
    return obj;
  }

  array(value: unknown, path: string): readonly unknown[] | undefined {
    return Array.isArray(value) ? value : this.fail(path, value, 'must be an array');
  }

  string(value: unknown, path: string, max = 256): string | undefined {
    if (typeof value !== 'string') return this.fail(path, value, 'must be a string');
    if (value.length > max) return this.fail(path, value, `is longer than ${max} characters`);
    return value;
  }

  boolean(value: unknown, path: string): boolean | undefined {
    return typeof value === 'boolean' ? value : this.fail(path, value, 'must be true or false');
  }

  integer(value: unknown, path: string, min: number, max: number, what = 'an integer'): number | undefined {
    if (typeof value !== 'number' || !Number.isInteger(value))
      return this.fail(path, value, `must be ${what}`);
    if (value < min || value > max) return this.fail(path, value, `must be ${what} ${min}..${max}`);
    return value;
  }

  /** A 32-bit value written as a number or as decimal/0x-hex text. */
  u32(value: unknown, path: string): number | undefined {
    if (typeof value === 'number') return this.integer(value, path, 0, 0xffffffff, 'a 32-bit value');
    if (typeof value !== 'string') return this.fail(path, value, 'must be a number or a "0x..." string');
    try {
      return parseU32(value, path);
    } catch (error) {
      return this.fail(
        path,
        value,
        error instanceof Error ? stripPrefix(error.message, path) : 'is not a number',
      );
    }
  }

  oneOf<T extends string | number>(value: unknown, path: string, options: readonly T[]): T | undefined {
    if (options.includes(value as T)) return value as T;
    return this.fail(path, value, `must be one of ${options.map((o) => JSON.stringify(o)).join(', ')}`);
  }
}

/** InputError messages start with `field: ` and end with `(got ...)`; keep only the middle for re-wrapping. */
function stripPrefix(message: string, path: string): string {
  const body = message.startsWith(`${path}: `) ? message.slice(path.length + 2) : message;
  return body.replace(/ \(got .*\)$/, '');
}
