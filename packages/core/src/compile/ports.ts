import { InputError } from '../bits/errors';
import type { PortSpec } from '../document/types';
import type { Range, ValueSet } from '../ir/types';

function parsePort(text: string, path: string, whole: unknown): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65535) {
    throw new InputError(path, whole, 'ports are integers 0..65535');
  }
  return Number(text);
}

function parseItem(item: unknown, path: string): Range {
  if (typeof item === 'number') {
    if (!Number.isInteger(item) || item < 0 || item > 65535)
      throw new InputError(path, item, 'ports are integers 0..65535');
    return [item, item];
  }
  if (typeof item !== 'string')
    throw new InputError(path, item, 'expected a port number, "LO-HI" text, or a list of those');
  const parts = item.trim().split('-');
  if (parts.length > 2) throw new InputError(path, item, 'a port range is written "LO-HI"');
  const lo = parsePort(parts[0]!, path, item);
  const hi = parts.length === 2 ? parsePort(parts[1]!, path, item) : lo;
  if (lo > hi) throw new InputError(path, item, 'a port range must not end below its start');
  return [lo, hi];
}

/**
 * Ports as a value set, sorted as nft prints anonymous sets. Overlapping items are refused, as nft refuses
 * conflicting intervals in an anonymous set.
 */
export function parsePorts(spec: PortSpec, path: string): ValueSet {
  const items: readonly unknown[] = Array.isArray(spec) ? spec : [spec];
  if (items.length === 0) throw new InputError(path, spec, 'a port list must not be empty');
  const ranges = items
    .map((item, i) => parseItem(item, Array.isArray(spec) ? `${path}[${i}]` : path))
    .sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < ranges.length; i++) {
    const [prevLo, prevHi] = ranges[i - 1]!;
    const [lo, hi] = ranges[i]!;
    if (lo <= prevHi) {
      const show = (r: Range) => (r[0] === r[1] ? String(r[0]) : `${r[0]}-${r[1]}`);
      throw new InputError(path, spec, `ports ${show([prevLo, prevHi])} and ${show([lo, hi])} overlap`);
    }
  }
  return { kind: 'ranges', ranges };
}
