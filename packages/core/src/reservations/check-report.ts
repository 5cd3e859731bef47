import type { RuleBitUsage } from '../analyze/types';
import { checkDocument } from '../document/check';
import type { MarkwrightDocument } from '../document/types';
import type { AcknowledgedConflict, CheckError, CheckReport, Conflict } from '../reports/types';
import { hostConflicts, knownConflicts } from './conflicts';
import { type BoxVersion, versionsFromRules } from './consumer-versions';
import { KNOWN_CONSUMERS } from './consumers';
import { detectConsumers } from './detect';
import { routeConflicts } from './route-conflicts';

/** `coexists` entries that name no known consumer, as document errors. */
export function unknownCoexists(doc: MarkwrightDocument): CheckError[] {
  const known = KNOWN_CONSUMERS.map((c) => c.id);
  return (doc.coexists ?? []).flatMap((c, i) =>
    known.includes(c.consumer)
      ? []
      : [
          {
            field: `coexists[${i}].consumer`,
            message: `is not a known consumer id (known: ${known.join(', ')}) (got ${JSON.stringify(c.consumer)})`,
          },
        ],
  );
}

/** Fields the policy routes on: ip rules see these, so a src_valid_mark change matters to them. */
export const routedFields = (doc: MarkwrightDocument): string[] => [
  ...new Set(doc.policy.routes.flatMap((r) => Object.keys(r.when ?? {}))),
];

export interface CheckReportOptions {
  /** Consumer ids seen on the box (by probe, or in the host rules given); the rest are catalogue-only. */
  readonly detected?: ReadonlySet<string>;
  /** What showed each detected consumer (its rules, processes, interfaces, config files); keys count as detected. */
  readonly evidence?: ReadonlyMap<string, readonly string[]>;
  /**
   * The versions found on the box, by consumer id: their conflicts use that version's bits. Default: what the
   * host rules' shapes tell.
   */
  readonly versions?: ReadonlyMap<string, BoxVersion>;
}

/** The consumer a conflict is about, as a known id: the consumer itself, or the one a host rule belongs to. */
export const conflictConsumerId = (c: Conflict): string | undefined =>
  c.source === 'known' ? c.consumer : c.consumerId;

/** Split conflicts into those still to show and those the document's `coexists` list acknowledges. */
export function acknowledge(
  doc: MarkwrightDocument,
  conflicts: readonly Conflict[],
): { conflicts: Conflict[]; acknowledged: AcknowledgedConflict[] } {
  const reasons = new Map((doc.coexists ?? []).map((c) => [c.consumer, c.reason]));
  const shown: Conflict[] = [];
  const acknowledged: AcknowledgedConflict[] = [];
  for (const c of conflicts) {
    const id = conflictConsumerId(c);
    const reason = id === undefined ? undefined : reasons.get(id);
    if (reason === undefined) shown.push(c);
    else acknowledged.push({ ...c, reason });
  }
  return { conflicts: shown, acknowledged };
}

/** Every conflict of a valid document: bits, sysctls and routes against known consumers, and host rules. */
export function documentConflicts(
  document: MarkwrightDocument,
  hostUsages: readonly RuleBitUsage[] = [],
  options: CheckReportOptions = {},
): Conflict[] {
  return [
    ...knownConflicts(document.layout, {
      routedFields: routedFields(document),
      detected: options.detected,
      versions: options.versions,
    }),
    ...routeConflicts(document.policy.routes, { detected: options.detected }),
    ...hostConflicts(document.layout, hostUsages),
  ];
}

/** Each detected conflict with what showed its consumer is on the box, when known. */
function withEvidence(
  conflicts: readonly Conflict[],
  evidence: ReadonlyMap<string, readonly string[]>,
): Conflict[] {
  return conflicts.map((c) => {
    const id = conflictConsumerId(c);
    const seen = c.presence === 'detected' && id !== undefined ? evidence.get(id) : undefined;
    return seen?.length ? { ...c, evidence: seen } : c;
  });
}

/** Detected conflicts first (host rules, then consumers seen on the box), catalogue-only ones after. */
export const byPresence = (conflicts: readonly Conflict[]): Conflict[] => [
  ...conflicts.filter((c) => c.presence === 'detected'),
  ...conflicts.filter((c) => c.presence !== 'detected'),
];

/**
 * The whole `layout check` result for a document read from JSON: its errors, or, when it is valid, its
 * conflicts with known consumers (src_valid_mark only for routed fields), its routes' priorities and tables,
 * and the given host rules, each marked detected or catalogue; those the document acknowledges are set apart.
 * Never throws; `document` is the parsed document when valid.
 */
export function checkReport(
  json: unknown,
  hostUsages: readonly RuleBitUsage[] = [],
  options: CheckReportOptions = {},
): CheckReport & { readonly document: MarkwrightDocument | null } {
  const { document, errors } = checkDocument(json);
  if (!document) return { valid: false, errors, conflicts: [], document: null };
  const unknown = unknownCoexists(document);
  if (unknown.length > 0) return { valid: false, errors: unknown, conflicts: [], document: null };
  const evidence =
    options.evidence ?? new Map(detectConsumers(hostUsages).map((c) => [c.consumer, c.evidence]));
  const detected = options.detected ?? new Set(evidence.keys());
  const versions =
    options.versions ?? new Map(versionsFromRules(hostUsages).map((v) => [v.consumer, v] as const));
  const { conflicts, acknowledged } = acknowledge(
    document,
    byPresence(withEvidence(documentConflicts(document, hostUsages, { detected, versions }), evidence)),
  );
  return {
    valid: true,
    errors: [],
    conflicts,
    ...(acknowledged.length > 0 && { acknowledged }),
    document,
  };
}
