import type { Conflict } from '@markwright/core';
import { describe, expect, it } from 'vitest';
import { bitRanges, conflictView } from './conflict-groups';

const c = (field: string, consumer: string, bits: string, extra: Partial<Conflict> = {}): Conflict => ({
  field,
  consumer,
  bits,
  source: 'known',
  severity: 'shares-bits',
  presence: 'catalogue',
  ...extra,
});

describe('conflictView', () => {
  it('lists detected conflicts in full and folds catalogue ones to one line per consumer', () => {
    const view = conflictView([
      c('up', 'calico', '0x1000000'),
      c('qos', 'calico', '0x2000000'),
      c('up', 'tailscale', '0x1000000', { severity: 'whole-mark-overwrite', presence: 'detected' }),
      c('up', 'tailscale', '0x1000000', { severity: 'sysctl-side-effect', presence: 'detected' }),
    ]);
    expect(view.detected).toEqual([
      expect.objectContaining({ field: 'up', consumer: 'tailscale', items: expect.any(Array) }),
    ]);
    expect(view.detected[0]!.items).toHaveLength(2);
    expect(view.catalogue.map((f) => f.summary)).toEqual([
      'if you install Calico felix (iptables and nftables dataplanes): shares bits 24-25',
    ]);
  });

  it('writes bit ranges', () => {
    expect(bitRanges(0x3000000)).toBe('24-25');
    expect(bitRanges(0x80000005)).toBe('0, 2, 31');
  });
});
