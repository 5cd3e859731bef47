import { InputError } from '../bits/errors';
import { bindingFamilies } from '../document/route-families';
import type { RouteBinding } from '../document/types';
import type { Cidr, IpRule } from '../ir/types';
import type { Layout } from '../layout/types';
import { parseCidr } from './address';
import { encodeBySpace } from './field-bits';
import type { ResolvedOptions } from './options';
import { objectAt } from './shape';

/** iproute2 prints the reserved tables by name (rt_tables), so the IR holds them that way too. */
const TABLE_NAMES: Readonly<Record<number, string>> = { 253: 'default', 254: 'main', 255: 'local' };

function isU32Int(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 0xffffffff;
}

/** The fwmark `v/m` a binding selects: every named field must be a fwmark field (ip rules see only skb->mark). */
export function bindingMark(
  layout: Layout,
  when: RouteBinding['when'],
  path: string,
): { value: number; mask: number } {
  if (when === null || typeof when !== 'object' || Object.keys(when).length === 0) {
    // A zero mask would make `fwmark 0/0`, which matches every packet.
    throw new InputError(path, when, 'must name at least one fwmark field value');
  }
  const bits = encodeBySpace(layout, when, path);
  if (bits.connmark.mask !== 0) {
    const name = Object.keys(when).find(
      (n) => layout.fields.find((f) => f.name === n)?.space === 'connmark',
    )!;
    throw new InputError(
      `${path}.${name}`,
      when[name],
      'is a connmark field; ip rules and tc filters see only the fwmark (persist the field, or use a fwmark field)',
    );
  }
  return bits.fwmark;
}

/** A selector prefix of a binding (`from`, `to`) as the IR's Cidr. */
function prefixOf(text: unknown, family: 4 | 6, at: string): Cidr {
  if (typeof text !== 'string') throw new InputError(at, text, 'must be an address or prefix');
  const cidr = parseCidr(text, at);
  if (cidr.family !== family) throw new InputError(at, text, `is not an IPv${family} prefix`);
  return cidr;
}

/**
 * `ip rule add [not] [from P] [to P] [fwmark V/M] [iif X] [oif Y] lookup TABLE [suppress_prefixlength N] priority P
 * proto PROTO` for each family the binding (its `family`, or the family of its prefixes) and the options allow.
 */
export function compileRoutes(
  layout: Layout,
  routes: readonly RouteBinding[],
  options: ResolvedOptions,
): IpRule[] {
  const out: IpRule[] = [];
  routes.forEach((entry, i) => {
    const path = `policy.routes[${i}]`;
    const route = objectAt(entry, path, 'a route binding');
    const fwmark = route.when === undefined ? undefined : bindingMark(layout, route.when, `${path}.when`);
    const selects = [route.when, route.iif, route.oif, route.from, route.to].some((s) => s !== undefined);
    if (!selects && route.suppressPrefixlength === undefined) {
      throw new InputError(path, entry, 'must select packets: give "when", "iif", "oif", "from" or "to"');
    }
    if (!isU32Int(route.table) || route.table === 0) {
      throw new InputError(`${path}.table`, route.table, 'must be a routing table number 1..4294967295');
    }
    if (!isU32Int(route.priority) || route.priority === 0) {
      // Priority 0 is the `lookup local` rule's; a rule there would run before local delivery.
      throw new InputError(`${path}.priority`, route.priority, 'must be an ip rule priority 1..4294967295');
    }
    const wanted = route.family ?? 'both';
    if (wanted !== 4 && wanted !== 6 && wanted !== 'both') {
      throw new InputError(`${path}.family`, route.family, 'must be 4, 6 or "both"');
    }
    const sp = route.suppressPrefixlength;
    if (sp !== undefined && (!Number.isInteger(sp) || sp < 0 || sp > 128)) {
      throw new InputError(`${path}.suppress_prefixlength`, sp, 'must be a prefix length 0..128');
    }
    const bindingFams = bindingFamilies(route);
    for (const family of options.families) {
      if (!bindingFams.includes(family)) continue;
      out.push({
        family,
        priority: route.priority,
        not: route.not === true,
        ...(route.from !== undefined && { from: prefixOf(route.from, family, `${path}.from`) }),
        ...(route.to !== undefined && { to: prefixOf(route.to, family, `${path}.to`) }),
        ...(route.iif !== undefined && { iif: route.iif }),
        ...(route.oif !== undefined && { oif: route.oif }),
        ...(fwmark !== undefined && { fwmark }),
        action: { kind: 'table', table: TABLE_NAMES[route.table] ?? String(route.table) },
        ...(sp !== undefined && { suppressPrefixlength: sp }),
        protocol: String(options.ruleProtocol),
      });
    }
  });
  return out;
}
