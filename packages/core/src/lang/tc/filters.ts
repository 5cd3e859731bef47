import { InputError } from '../../bits/errors';
import type { TcFilter } from '../../ir/types';
import { parseJsonArray } from '../iproute/json';

type Json = Record<string, unknown>;

/** `print_0xhex` values: `"0x10"`. */
function hexField(o: Json, key: string, at: string): number | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff) return v;
  if (typeof v !== 'string' || !/^(0x)?[0-9a-f]{1,8}$/i.test(v))
    throw new InputError(`${at}.${key}`, v, 'is not a hex u32');
  return Number.parseInt(v.replace(/^0x/i, ''), 16);
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** u32 entries that only describe hash tables (`fh 800: ht divisor 1`), not a match. */
const isU32Structure = (opts: Json): boolean =>
  opts.ht_divisor !== undefined ||
  (opts.match === undefined &&
    opts.fwmark_value === undefined &&
    opts.flowid === undefined &&
    opts.classid === undefined);

/**
 * `tc -j filter show dev DEV [ingress|egress|parent X]` as filters. `fw` filters (iproute2 prints their
 * handle as `"fw": {"mark": "0x10", "mask": "0xff"}`, `"handle"` in older releases) and u32 `match mark`
 * (`fwmark_value` / `fwmark_mask`) are typed; other classifiers are kept opaque. Per-priority header entries
 * (no options) and u32 hash-table entries are skipped. `parent` is what the dump was asked for.
 */
export function parseTcFiltersJson(text: string, dev: string, parent = 'root'): TcFilter[] {
  const out: TcFilter[] = [];
  parseJsonArray(text, 'tc filter').forEach((o, i) => {
    const at = `tc filter[${i}]`;
    const opts = o.options;
    if (!isObject(opts)) return;
    const kind = typeof o.kind === 'string' ? o.kind : '';
    const base = {
      dev,
      parent,
      protocol: typeof o.protocol === 'string' ? o.protocol : 'all',
      priority: typeof o.pref === 'number' ? o.pref : 0,
    };
    const classid =
      typeof opts.classid === 'string'
        ? opts.classid
        : typeof opts.flowid === 'string'
          ? opts.flowid
          : undefined;
    const withClass = classid !== undefined ? { classid } : {};
    if (kind === 'fw') {
      const handle = isObject(opts.fw) ? opts.fw : isObject(opts.handle) ? opts.handle : null;
      const mark = handle
        ? hexField(handle, 'mark', `${at}.options.fw`)
        : hexField(opts, 'handle', `${at}.options`);
      const mask = handle ? hexField(handle, 'mask', `${at}.options.fw`) : undefined;
      out.push({
        ...base,
        classifier: { kind: 'fw', handle: mark ?? 0, mask: mask ?? 0xffffffff },
        ...withClass,
      });
      return;
    }
    if (kind === 'u32') {
      if (isU32Structure(opts)) return;
      const value = hexField(opts, 'fwmark_value', `${at}.options`);
      const mask = hexField(opts, 'fwmark_mask', `${at}.options`);
      if (value !== undefined && mask !== undefined && opts.match === undefined) {
        out.push({ ...base, classifier: { kind: 'u32-mark', value, mask }, ...withClass });
        return;
      }
    }
    out.push({
      ...base,
      classifier: { kind: 'opaque', text: `${kind} ${JSON.stringify(opts)}` },
      ...withClass,
    });
  });
  return out;
}
