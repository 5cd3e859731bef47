// A small DocumentTools for transport and service tests: validates the document's outline (format, name, field
// masks that do not overlap) so tests of the API do not depend on the rest of core.

import type { CheckError, MarkwrightDocument, SimulationReport } from '@markwright/core';
import type { DocumentTools } from '../backend/core-tools';

export function fakeCheckDocument(json: unknown): {
  document: MarkwrightDocument | null;
  errors: CheckError[];
} {
  const errors: CheckError[] = [];
  const doc = json as Record<string, unknown>;
  if (!doc || typeof doc !== 'object')
    return { document: null, errors: [{ field: '', message: 'must be an object' }] };
  if (doc.format !== 'markwright/1') errors.push({ field: 'format', message: 'must be "markwright/1"' });
  if (typeof doc.name !== 'string' || doc.name === '')
    errors.push({ field: 'name', message: 'must be a name' });
  const fields = (doc.layout as { fields?: unknown } | undefined)?.fields;
  if (!Array.isArray(fields))
    return { document: null, errors: [...errors, { field: 'layout.fields', message: 'must be a list' }] };
  let taken = 0;
  fields.forEach((field: { mask?: unknown }, i) => {
    const mask = field?.mask;
    if (typeof mask !== 'number' || mask <= 0 || mask > 0xffffffff) {
      errors.push({ field: `layout.fields[${i}].mask`, message: 'must be a 32-bit mask' });
    } else if ((taken & mask) !== 0) {
      errors.push({ field: `layout.fields[${i}].mask`, message: 'overlaps another field' });
    } else taken |= mask;
  });
  return errors.length > 0 ? { document: null, errors } : { document: json as MarkwrightDocument, errors };
}

export const fakeTools: DocumentTools = {
  checkDocument: fakeCheckDocument,
  serializeDocument: (document) => ({ ...document }) as Record<string, unknown>,
  knownConflicts: (document, detected) =>
    document.layout.fields
      .filter((f) => (f.mask & 0xff00) !== 0)
      .map((f) => ({
        field: f.name,
        consumer: 'tailscale',
        bits: `0x${(f.mask & 0xff00).toString(16)}`,
        source: 'known' as const,
        severity: 'shares-bits' as const,
        presence: detected?.has('tailscale') ? ('detected' as const) : ('catalogue' as const),
      })),
  detectConsumers: (hostRules) => (hostRules.some((r) => r.includes('tailscale')) ? ['tailscale'] : []),
  hostConflicts: (layout, hostRules) =>
    hostRules.length === 0
      ? []
      : layout.fields.map((f) => ({
          field: f.name,
          consumer: hostRules[0]!.slice(0, 20),
          bits: '0x1',
          source: 'host' as const,
          severity: 'shares-bits' as const,
          presence: 'detected' as const,
        })),
  boxWithDocument: (live) => live,
  parseRuleset: () => ({ tables: [] }),
  parseIpRules: () => [],
  parseRoutes: () => [],
  simulate: (_box, packets): SimulationReport =>
    ({
      packets: packets.map((p) => ({
        verdict: 'accept',
        mark: p.mark ?? 0,
        ctmark: 0,
        oif: null,
        steps: [],
      })),
    }) as unknown as SimulationReport,
};

export const sampleDocument = (name = 'edge', fields = [{ name: 'uplink', mask: 0x3 }]) => ({
  format: 'markwright/1',
  name,
  layout: {
    fields: fields.map((f) => ({ space: 'fwmark', kind: 'int', persist: false, newOnly: false, ...f })),
  },
  policy: { rules: [], routes: [], classes: [] },
});
