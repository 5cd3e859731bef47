import { describe, expect, it } from 'vitest';
import { freeRuns, suggest } from './suggest';

const empty = { fwmark: 0, ctmark: 0, rulePriorities: [], tables: [], consumers: [] };

describe('suggest', () => {
  it('lists free bit runs widest first', () => {
    expect(freeRuns(0xffff0000, 1)).toEqual([{ offset: 0, width: 16, mask: '0xffff' }]);
    expect(freeRuns(0x00ff00ff, 4).map((r) => r.offset)).toEqual([24, 8]);
    expect(freeRuns(0xffffffff, 1)).toEqual([]);
  });

  it("keeps clear of detected consumers' bits, bands and tables, and of the box's own rules", () => {
    const s = suggest(
      {
        fwmark: 0x0000c000, // kube-proxy's rules seen on the box
        ctmark: 0,
        rulePriorities: [10000, 10001],
        tables: [100],
        consumers: ['tailscale', 'mwan3'],
      },
      { width: 2, band: 5, tableCount: 3 },
    );
    const masks = s.fwmark.map((r) => Number.parseInt(r.mask, 16));
    for (const m of masks) expect(m & (0xc000 | 0xff0000 | 0xff00 | 0x3f00)).toBe(0);
    expect(s.priorities).toEqual({ from: 10002, to: 10006 });
    expect(s.tables).toEqual([101, 102, 103]);
    expect(s.takenBy.map((t) => t.consumer)).toEqual(expect.arrayContaining(['tailscale', 'mwan3']));
    expect(s.takenBy.find((t) => t.what.startsWith('ip rule priorities 5210'))?.consumer).toBe('tailscale');
  });

  it('skips tables and priorities consumers use and the reserved tables', () => {
    const s = suggest(
      { ...empty, consumers: ['vyos-wlb'] },
      {
        tableCount: 1,
        preferredPriorities: [100, 400],
        band: 10,
      },
    );
    expect(s.priorities).toEqual({ from: 100, to: 109 });
    expect(
      suggest({ ...empty, consumers: ['vyos-wlb'] }, { preferredPriorities: [201, 400], band: 10 })
        .priorities,
    ).toEqual({
      from: 264,
      to: 273,
    });
    expect(s.tables).toEqual([100]);
    // A whole-mark writer leaves no bit safe: said in takenBy, not hidden in the bit runs.
    expect(s.takenBy.filter((t) => t.what.startsWith('overwrites the whole'))).toHaveLength(2);
  });
});
