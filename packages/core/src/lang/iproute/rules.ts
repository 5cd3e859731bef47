import { InputError } from '../../bits/errors';
import type { IpRule, IpRuleAction } from '../../ir/types';
import { parseIpCidr } from './address';
import { num, parseJsonArray, str } from './json';

const ACTIONS = ['blackhole', 'unreachable', 'prohibit'] as const;
/** Keys read into typed fields; everything else goes to `extra`. */
const TYPED = new Set([
  'priority',
  'not',
  'src',
  'srclen',
  'dst',
  'dstlen',
  'iif',
  'oif',
  'fwmark',
  'fwmask',
  'table',
  'goto',
  'action',
  'nop',
  'suppress_prefixlen',
  'protocol',
]);

/** `"0xca6c"` (iproute2 prints `%#llx`, so zero is `"0"`). */
function markText(v: string, field: string): number {
  if (!/^(0|0x[0-9a-f]{1,8})$/i.test(v)) throw new InputError(field, v, 'is not a hex mark such as "0xca6c"');
  return Number.parseInt(v, 16);
}

function actionOf(o: Record<string, unknown>, at: string): IpRuleAction {
  if (o.goto !== undefined) return { kind: 'goto', priority: num(o, 'goto', at)! };
  if ('nop' in o) return { kind: 'nop' };
  const action = str(o, 'action', at);
  if (action !== undefined) {
    if (!(ACTIONS as readonly string[]).includes(action))
      throw new InputError(`${at}.action`, action, `must be one of ${ACTIONS.join(', ')}`);
    return { kind: action as (typeof ACTIONS)[number] };
  }
  const table = o.table;
  if (typeof table === 'string' || typeof table === 'number') return { kind: 'table', table: String(table) };
  throw new InputError(at, o, 'has no table, goto or action');
}

/**
 * `ip [-6] -j rule show`. The kernel leaves a zero mark with a zero mask out of the dump, so a bare
 * `fwmark 0` (which matches every packet) reads back as no fwmark at all; `fwmark 0` in the dump means
 * `0/0xffffffff`.
 */
export function parseIpRulesJson(text: string, family: 4 | 6 = 4): IpRule[] {
  return parseJsonArray(text, 'ip rule').map((o, i) => {
    const at = `ip rule[${i}]`;
    const priority = num(o, 'priority', at) ?? 0;
    const src = str(o, 'src', at);
    const dst = str(o, 'dst', at);
    const fwmark = str(o, 'fwmark', at);
    const fwmask = str(o, 'fwmask', at);
    const extra: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) if (!TYPED.has(k)) extra[k] = v;
    const from =
      src !== undefined && src !== 'all'
        ? parseIpCidr(src, num(o, 'srclen', at), family, `${at}.src`)
        : undefined;
    const to =
      dst !== undefined && dst !== 'all'
        ? parseIpCidr(dst, num(o, 'dstlen', at), family, `${at}.dst`)
        : undefined;
    const iif = str(o, 'iif', at);
    const oif = str(o, 'oif', at);
    const suppress = num(o, 'suppress_prefixlen', at);
    const protocol = o.protocol === undefined ? undefined : String(o.protocol);
    const rule: IpRule = {
      family,
      priority,
      not: 'not' in o,
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
      ...(iif !== undefined ? { iif } : {}),
      ...(oif !== undefined ? { oif } : {}),
      ...(fwmark !== undefined || fwmask !== undefined
        ? {
            fwmark: {
              value: fwmark !== undefined ? markText(fwmark, `${at}.fwmark`) : 0,
              mask: fwmask !== undefined ? markText(fwmask, `${at}.fwmask`) : 0xffffffff,
            },
          }
        : {}),
      action: actionOf(o, at),
      ...(suppress !== undefined ? { suppressPrefixlength: suppress } : {}),
      ...(protocol !== undefined ? { protocol } : {}),
      ...(Object.keys(extra).length ? { extra } : {}),
    };
    return rule;
  });
}

/** Rules whose fwmark selector is a trap: mask 0 matches every packet; bits outside the mask never match. */
export function ipRuleWarnings(rules: readonly IpRule[]): string[] {
  const out: string[] = [];
  for (const r of rules) {
    const m = r.fwmark;
    if (!m) continue;
    if (m.mask === 0) {
      out.push(
        `ip rule ${r.priority}: fwmark ${m.value}/0 has mask 0 and matches every packet (a bare "fwmark 0" does this)`,
      );
    } else if ((m.value & ~m.mask) >>> 0 !== 0) {
      out.push(`ip rule ${r.priority}: fwmark value has bits outside its mask and never matches`);
    }
  }
  return out;
}
