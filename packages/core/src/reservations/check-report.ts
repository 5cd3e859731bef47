import type { RuleBitUsage } from '../analyze/types';
import { checkDocument } from '../document/check';
import type { MarkwrightDocument } from '../document/types';
import type { CheckReport } from '../reports/types';
import { hostConflicts, knownConflicts } from './conflicts';

/** Fields the policy routes on: ip rules see these, so a src_valid_mark change matters to them. */
export const routedFields = (doc: MarkwrightDocument): string[] => [
  ...new Set(doc.policy.routes.flatMap((r) => Object.keys(r.when))),
];

/**
 * The whole `layout check` result for a document read from JSON: its errors, or, when it is valid, its
 * conflicts with known consumers (src_valid_mark only for routed fields) and with the given host rules.
 * Never throws; `document` is the parsed document when valid.
 */
export function checkReport(
  json: unknown,
  hostUsages: readonly RuleBitUsage[] = [],
): CheckReport & { readonly document: MarkwrightDocument | null } {
  const { document, errors } = checkDocument(json);
  if (!document) return { valid: false, errors, conflicts: [], document: null };
  const conflicts = [
    ...knownConflicts(document.layout, { routedFields: routedFields(document) }),
    ...hostConflicts(document.layout, hostUsages),
  ];
  return { valid: true, errors: [], conflicts, document };
}
