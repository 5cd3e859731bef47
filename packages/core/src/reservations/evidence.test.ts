import { describe, expect, it } from 'vitest';
import { checkReport } from './check-report';

const doc = {
  format: 'markwright/1',
  name: 'evidence',
  layout: { fields: [{ name: 'wan', kind: 'flag', offset: 18 }] },
  policy: { routes: [] },
};

describe('conflict evidence', () => {
  it("makes a consumer's conflicts detected, each carrying what showed it", () => {
    const report = checkReport(doc, [], { evidence: new Map([['tailscale', ['interface tailscale0']]]) });
    const tailscale = report.conflicts.filter((c) => c.consumer === 'tailscale');
    expect(tailscale.length).toBeGreaterThan(0);
    for (const c of tailscale) {
      expect(c.presence).toBe('detected');
      expect(c.evidence).toEqual(['interface tailscale0']);
    }
    const calico = report.conflicts.find((c) => c.consumer === 'calico');
    expect(calico?.presence).toBe('catalogue');
    expect(calico?.evidence).toBeUndefined();
    const bare = checkReport(doc, [], { evidence: new Map() });
    expect(bare.conflicts.every((c) => c.presence === 'catalogue')).toBe(true);
  });
});
