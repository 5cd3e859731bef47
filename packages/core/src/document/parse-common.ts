// Readers shared by the policy's parts: field values in layout terms, interface names, addresses.
import { InputError } from '../bits/errors';
import { findField } from '../layout/encode';
import { rawOfValue } from '../layout/field-values';
import type { FieldSpace, FieldValues, Layout } from '../layout/types';
import { parseIpv4, parseIpv6 } from '../net/address';
import { hostPrefixLength } from '../net/cidr';
import { isInterfaceName } from '../net/interface';
import type { Reader } from './reader';

/** An interface name, or undefined (with the error recorded). */
export function readIfname(r: Reader, raw: unknown, path: string): string | undefined {
  const name = r.string(raw, path);
  if (name !== undefined && !isInterfaceName(name)) {
    return r.fail(path, name, 'must be an interface name (1..15 characters, no "/", ":" or spaces)');
  }
  return name;
}

/** Field values in policy terms, checked against the layout; `spaces` limits which fields may appear. */
export function readFieldValues(
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

export function readAddress(r: Reader, raw: unknown, path: string): string | undefined {
  const text = r.string(raw, path, 64);
  if (text === undefined) return undefined;
  const [addr = '', prefix, extra] = text.split('/');
  // Leading zeros refused in octets, as inet_pton refuses them.
  const family = parseIpv4(addr, { strict: true }) !== null ? 4 : parseIpv6(addr) ? 6 : null;
  if (extra !== undefined || family === null)
    return r.fail(path, raw, 'must be an IPv4 or IPv6 address or prefix');
  if (prefix !== undefined) {
    const max = hostPrefixLength(family);
    if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > max) {
      return r.fail(path, raw, `prefix length must be 0..${max}`);
    }
  }
  return text;
}

/** The family of an address or prefix `readAddress` accepted. */
export const familyOfPrefix = (text: string): 4 | 6 => (text.includes(':') ? 6 : 4);
