import type { RouteBinding } from '../document/types';
import type { Conflict } from '../reports/types';
import { KNOWN_CONSUMERS } from './consumers';
import type { KnownConsumer, NumberBand } from './types';

/** Every band a consumer installs ip rules in: its fixed priorities and its wider bands. */
export function priorityBands(consumer: KnownConsumer): NumberBand[] {
  return [
    ...(consumer.rulePriorities ?? []).map((p) => ({ from: p, to: p })),
    ...(consumer.priorityBands ?? []),
  ];
}

/** Every routing table id a consumer fills: its fixed tables and its wider bands. */
export function tableBands(consumer: KnownConsumer): NumberBand[] {
  return [...(consumer.tables ?? []).map((t) => ({ from: t, to: t })), ...(consumer.tableBands ?? [])];
}

const within = (n: number, b: NumberBand) => n >= b.from && n <= b.to;
const bandText = (b: NumberBand) =>
  `${b.from === b.to ? b.from : `${b.from}-${b.to}`}${b.when ? ` (${b.when})` : ''}`;

export interface RouteConflictOptions {
  readonly consumers?: readonly KnownConsumer[];
  /** Consumer ids seen on the box. */
  readonly detected?: ReadonlySet<string>;
  /**
   * The deployed priority of each route, when it differs from the document's (plan moves priorities into
   * Markwright's range). Default: the document's priority.
   */
  readonly priorityOf?: (route: RouteBinding, index: number) => number;
}

/**
 * Where the document's routes meet consumers' ip rule priority bands and routing tables: an ip rule at the
 * same priority is ordered arbitrarily against theirs, and a shared table mixes their routes with ours.
 */
export function routeConflicts(
  routes: readonly RouteBinding[],
  options: RouteConflictOptions = {},
): Conflict[] {
  const consumers = options.consumers ?? KNOWN_CONSUMERS;
  const out: Conflict[] = [];
  routes.forEach((route, i) => {
    const field = `policy.routes[${i}]`;
    const priority = options.priorityOf?.(route, i) ?? route.priority;
    for (const consumer of consumers) {
      const presence = options.detected?.has(consumer.id) ? 'detected' : 'catalogue';
      const ref = `source: ${consumer.source}`;
      const band = priorityBands(consumer).find((b) => within(priority, b));
      if (band) {
        out.push({
          field,
          consumer: consumer.id,
          bits: '0x0',
          source: 'known',
          severity: 'rule-priority',
          detail: `${consumer.name} installs ip rules at priorities ${bandText(band)}; this route's rule at ${priority} sits among them; ${ref}`,
          presence,
        });
      }
      const table = tableBands(consumer).find((b) => within(route.table, b));
      if (table) {
        out.push({
          field,
          consumer: consumer.id,
          bits: '0x0',
          source: 'known',
          severity: 'routing-table',
          detail: `${consumer.name} fills routing table(s) ${bandText(table)}; this route uses table ${route.table}; ${ref}`,
          presence,
        });
      }
    }
  });
  return out;
}
