import { InputError } from '../../bits/errors';
import { JsonTextError, parseStrictJson } from '../../json/strict-json';

/** Parse JSON text that must be an array (what `ip -j` and `tc -j` print); empty output is an empty list. */
export function parseJsonArray(text: string, what: string): Record<string, unknown>[] {
  if (text.trim() === '') return [];
  let data: unknown;
  try {
    data = parseStrictJson(text);
  } catch (e) {
    if (!(e instanceof JsonTextError)) throw e;
    const at = e.path ? `${what}: ${e.path}` : what;
    throw new InputError(at, text.slice(e.offset, e.offset + 20), `is not valid JSON: ${e.reason}`);
  }
  if (!Array.isArray(data)) throw new InputError(what, data, 'must be a JSON array');
  data.forEach((item, i) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw new InputError(`${what}[${i}]`, item, 'must be an object');
    }
  });
  return data as Record<string, unknown>[];
}

export function str(o: Record<string, unknown>, key: string, at: string): string | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new InputError(`${at}.${key}`, v, 'must be a string');
  return v;
}

export function num(o: Record<string, unknown>, key: string, at: string): number | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
    throw new InputError(`${at}.${key}`, v, 'must be a non-negative integer');
  }
  return v;
}
