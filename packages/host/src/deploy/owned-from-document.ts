import {
  formatOwnedRoute,
  type MarkwrightDocument,
  parseDocument,
  parseJsonText,
  type Route,
} from '@markwright/core';
import { compileOwned, copiedTableRoutes, ownedTables } from '@markwright/core/compile';
import type { OwnedState } from '../types';
import type { Ownership } from './ownership';

/** Read and check a markwright/1 document (core's checks; InputError names the field). */
export function readDocument(text: string, source: string): MarkwrightDocument {
  return parseDocument(parseJsonText(text, source));
}

/**
 * Everything Markwright will own for this document (core's compileOwned: what `compile` prints), with the routes
 * its tables copy from `copySources` (the box's tables main and local, read when the document is applied).
 */
export function ownedStateFromDocument(
  doc: MarkwrightDocument,
  ownership: Ownership,
  copySources: readonly Route[] = [],
): OwnedState {
  const { loads } = compileOwned(doc, ownership);
  const copied = copiedTableRoutes(doc, copySources, ownership.ipRuleProtocol);
  const lines = (family: 4 | 6, declared: readonly string[]) => [
    ...new Set([...declared, ...copied.filter((r) => r.family === family).map(formatOwnedRoute)]),
  ];
  return {
    nftScript: loads.nftScript,
    ipRules: { v4: [...loads.ipRules.v4], v6: [...loads.ipRules.v6] },
    tcFilters: [...loads.tcFilters],
    ...(loads.routes.tables.length > 0 && {
      routes: {
        tables: [...loads.routes.tables],
        v4: lines(4, loads.routes.v4),
        v6: lines(6, loads.routes.v6),
      },
    }),
  };
}

/** Whether the document copies routes from the box (then apply reads its tables main and local first). */
export const copiesRoutes = (doc: MarkwrightDocument): boolean =>
  ownedTables(doc).some((t) => (t.binding.owns?.copy.length ?? 0) > 0);
