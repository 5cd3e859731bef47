// Readers shared by the policy's parts: field values in layout terms, interface names, addresses.
import { InputError } from '../bits/errors';
import { findField } from '../layout/encode';
import { rawOfValue } from '../layout/field-values';
import type { FieldSpace, FieldValues, Layout } from '../layout/types';
import type { Reader } from './reader';

/** Kernel interface names: 1..15 bytes, no slash, no whitespace, not "." or "..". */
export const IFNAME = /^[^/\s:]{1,15}$/;

/** An interface name, or undefined (with the error recorded). */
export function readIfname(r: Reader, raw: unknown, path: string): string | undefined {
  const name = r.string(raw, path);
  if (name !== undefined && (!IFNAME.test(name) || name === '.' || name === '..')) {
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

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6 = /^[0-9a-fA-F:.]{2,45}$/;

export function readAddress(r: Reader, raw: unknown, path: string): string | undefined {
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

/** The family of an address or prefix `readAddress` accepted. */
export const familyOfPrefix = (text: string): 4 | 6 => (text.includes(':') ? 6 : 4);
