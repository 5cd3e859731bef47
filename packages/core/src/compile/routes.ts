import { InputError } from '../bits/errors';
import type { RouteBinding } from '../document/types';
import type { IpRule } from '../ir/types';
import type { Layout } from '../layout/types';
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

/** `ip rule add fwmark V/M lookup TABLE priority P proto PROTO` for each family the binding and options allow. */
export function compileRoutes(
  layout: Layout,
  routes: readonly RouteBinding[],
  options: ResolvedOptions,
): IpRule[] {
  const out: IpRule[] = [];
  routes.forEach((entry, i) => {
    const path = `policy.routes[${i}]`;
    const route = objectAt(entry, path, 'a route binding');
    const fwmark = bindingMark(layout, route.when, `${path}.when`);
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
    for (const family of options.families) {
      if (wanted !== 'both' && wanted !== family) continue;
      out.push({
        family,
        priority: route.priority,
        not: false,
        fwmark,
        action: { kind: 'table', table: TABLE_NAMES[route.table] ?? String(route.table) },
        protocol: String(options.ruleProtocol),
      });
    }
  });
  return out;
}
