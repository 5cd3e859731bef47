import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RuleBitUsage } from '../analyze/types';
import { parseDocument } from '../document/check';
import type { Field, Layout } from '../layout/types';
import { hostConflicts, knownConflicts } from './conflicts';

const field = (f: Partial<Field> & Pick<Field, 'name' | 'mask'>): Field => ({
  space: 'fwmark',
  kind: 'int',
  persist: false,
  newOnly: false,
  ...f,
});
const layoutOf = (...fields: Field[]): Layout => ({ fields });
const summary = (l: Layout, options = {}) =>
  knownConflicts(l, options).map((c) => `${c.field} ${c.consumer} ${c.bits} ${c.severity}`);

describe('knownConflicts', () => {
  it('finds consumers sharing bits, with the shared bits only', () => {
    const out = summary(layoutOf(field({ name: 'masq', mask: 0xc000 })), {
      consumers: ['kube-proxy', 'kubelet', 'cilium'],
    });
    expect(out).toEqual([
      'masq kube-proxy 0x4000 shares-bits',
      'masq kubelet 0x4000 shares-bits',
      'masq kubelet 0x8000 shares-bits',
      'masq cilium 0xc000 shares-bits',
    ]);
  });

  it('reports Tailscale against Calico-style bits and names the source', () => {
    const [c] = knownConflicts(layoutOf(field({ name: 'drop', mask: 0x40000 })), {
      consumers: ['tailscale'],
    });
    expect(c).toMatchObject({
      field: 'drop',
      consumer: 'tailscale',
      bits: '0x40000',
      source: 'known',
      severity: 'shares-bits',
    });
    expect(c!.detail).toMatch(/tailscale tsconst\/linuxfw\.go/);
  });

  it('flags whole-mark overwriters for every field of that space, instead of shared bits', () => {
    expect(summary(layoutOf(field({ name: 'a', mask: 0x3 })), { consumers: ['istio-sidecar'] })).toEqual([
      'a istio-sidecar 0x3 whole-mark-overwrite',
    ]);
    expect(
      summary(layoutOf(field({ name: 'z', space: 'connmark', mask: 0x3 })), { consumers: ['istio-sidecar'] }),
    ).toEqual([]);
  });

  it('checks the ct mark copy of persisted fields', () => {
    const persisted = layoutOf(field({ name: 'up', mask: 0x30000, persist: true }));
    expect(summary(persisted, { consumers: ['netavark', 'tailscale'], routedFields: [] })).toEqual([
      'up netavark 0x30000 whole-mark-overwrite',
      'up tailscale 0x30000 shares-bits',
      'up tailscale 0x30000 whole-mark-overwrite',
      'up tailscale 0x30000 shares-bits',
    ]);
    const plain = layoutOf(field({ name: 'up', mask: 0x30000 }));
    expect(summary(plain, { consumers: ['netavark'] })).toEqual([]);
  });

  it('flags src_valid_mark setters only for routed fwmark fields', () => {
    const l = layoutOf(field({ name: 'up', mask: 0x3 }), field({ name: 'qos', mask: 0xc }));
    const sysctl = (options: object) =>
      summary(l, { consumers: ['tailscale'], ...options }).filter((s) => s.endsWith('sysctl-side-effect'));
    expect(sysctl({ routedFields: ['up'] })).toEqual(['up tailscale 0x3 sysctl-side-effect']);
    expect(sysctl({})).toHaveLength(2);
  });

  it('refuses unknown consumer ids', () => {
    expect(() => knownConflicts(layoutOf(), { consumers: ['nobody'] })).toThrow(
      'consumers: is not a known consumer id (got "nobody")',
    );
  });

  it('the k8s-node example keeps clear of kube-proxy, kubelet, Calico and the Cilium magic nibble', () => {
    const repoRoot = path.resolve(import.meta.dirname, '../../../..');
    const doc = parseDocument(
      JSON.parse(readFileSync(path.join(repoRoot, 'examples/k8s-node.json'), 'utf8')),
    );
    const bits = knownConflicts(doc.layout, {
      consumers: ['kube-proxy', 'kube-proxy-nftables', 'kubelet', 'calico'],
    });
    expect(bits).toEqual([]);
    const cilium = knownConflicts(doc.layout, { consumers: ['cilium'] });
    expect(cilium.every((c) => (Number(c.bits) & 0x0f00) === 0)).toBe(true);
  });
});

const usage = (u: Partial<RuleBitUsage>): RuleBitUsage => ({
  where: 'ip mangle PREROUTING #1',
  rule: '-A PREROUTING -j MARK --set-xmark 0x4000/0x4000',
  reads: { fwmark: 0, ctmark: 0 },
  writes: { fwmark: 0, ctmark: 0 },
  wholeMarkWrite: { fwmark: false, ctmark: false },
  uncertain: false,
  ...u,
});

describe('hostConflicts', () => {
  const l = layoutOf(
    field({ name: 'up', mask: 0x3000, persist: true }),
    field({ name: 'z', space: 'connmark', mask: 0xf }),
  );

  it('reports rules writing or matching the layout bits, with the rule as the consumer', () => {
    const out = hostConflicts(l, [
      usage({ writes: { fwmark: 0x1000, ctmark: 0 }, reads: { fwmark: 0x2000, ctmark: 0x1 } }),
    ]);
    expect(out.map((c) => `${c.field} ${c.bits} ${c.severity} ${c.source}`)).toEqual([
      'up 0x1000 shares-bits host',
      'up 0x2000 shares-bits host',
      'z 0x1 shares-bits host',
    ]);
    expect(out[0]!.consumer).toBe('ip mangle PREROUTING #1: -A PREROUTING -j MARK --set-xmark 0x4000/0x4000');
    expect(out[0]!.detail).toBe('the rule writes fwmark bits 0x1000 of "up"');
  });

  it('reports whole-mark writes against every field of the space, and persisted copies', () => {
    const out = hostConflicts(l, [
      usage({ wholeMarkWrite: { fwmark: false, ctmark: true }, uncertain: true }),
    ]);
    expect(out.map((c) => `${c.field} ${c.bits} ${c.severity}`)).toEqual([
      'up 0x3000 whole-mark-overwrite',
      'z 0xf whole-mark-overwrite',
    ]);
    expect(out[0]!.detail).toMatch(/persisted copy.*lower bound/);
  });

  it("skips Markwright's own table and rules that touch other bits", () => {
    expect(
      hostConflicts(l, [
        usage({ where: 'inet markwright prerouting #1', writes: { fwmark: 0x3000, ctmark: 0 } }),
      ]),
    ).toEqual([]);
    expect(hostConflicts(l, [usage({ writes: { fwmark: 0x4000, ctmark: 0x4000 } })])).toEqual([]);
  });
});
