import { describe, expect, it } from 'vitest';
import type { RuleBitUsage } from '../analyze/types';
import { checkReport, routedFields } from './check-report';

const doc = {
  format: 'markwright/1',
  name: 'r',
  layout: {
    fields: [
      { name: 'up', kind: 'enum', offset: 16, width: 2, values: { a: 1, b: 2 } },
      { name: 'qos', kind: 'flag', offset: 20 },
    ],
  },
  policy: { routes: [{ when: { up: 'a' }, table: 100, priority: 100 }] },
};

describe('checkReport', () => {
  it('limits src_valid_mark conflicts to routed fields and adds host conflicts', () => {
    const host: RuleBitUsage = {
      where: 'ip mangle OUTPUT #1',
      rule: '-A OUTPUT -j MARK --set-xmark 0x100000/0x100000',
      reads: { fwmark: 0, ctmark: 0 },
      writes: { fwmark: 0x100000, ctmark: 0 },
      wholeMarkWrite: { fwmark: false, ctmark: false },
      uncertain: false,
    };
    const report = checkReport(doc, [host]);
    expect(report.valid).toBe(true);
    expect(report.document && routedFields(report.document)).toEqual(['up']);
    const sysctl = report.conflicts.filter((c) => c.severity === 'sysctl-side-effect');
    expect(new Set(sysctl.map((c) => c.field))).toEqual(new Set(['up']));
    expect(sysctl.map((c) => c.consumer)).toEqual(
      expect.arrayContaining(['tailscale', 'wg-quick', 'mullvad']),
    );
    expect(report.conflicts.filter((c) => c.source === 'host')).toEqual([
      expect.objectContaining({ field: 'qos', bits: '0x100000', severity: 'shares-bits' }),
    ]);
  });

  it('reports errors and no conflicts for an invalid document, without throwing', () => {
    expect(checkReport({ ...doc, format: 1 })).toEqual({
      valid: false,
      errors: [{ field: 'format', message: 'must be "markwright/1" (got 1)' }],
      conflicts: [],
      document: null,
    });
  });
});
