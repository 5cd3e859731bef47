import { describe, expect, it } from 'vitest';
import type { Layout } from '../layout/types';
import { uplinkField } from '../testing/dual-wan';
import { explainMark } from './explain';

const layout: Layout = {
  fields: [
    uplinkField({ persist: true }),
    {
      name: 'bulk',
      space: 'fwmark',
      kind: 'flag',
      mask: 0x04000000,
      offset: 26,
      width: 1,
      persist: false,
      newOnly: false,
    },
  ],
};

describe('explainMark', () => {
  it('explains every set bit with its field and known consumers', () => {
    const e = explainMark(0x02004000, { layout, space: 'fwmark' });
    expect(e.hex).toBe('0x02004000');
    expect(e.bits.map((b) => [b.bit, b.field])).toEqual([
      [14, null],
      [25, 'uplink'],
    ]);
    expect(e.bits[0]!.consumers.map((c) => c.consumer)).toEqual(
      expect.arrayContaining(['kube-proxy', 'kubelet', 'flannel']),
    );
    expect(e.bits[1]!.consumers.map((c) => c.consumer)).toEqual(
      expect.arrayContaining(['calico', 'calico-ebpf']),
    );
    expect(e.fields.map((f) => [f.field, f.value])).toEqual([
      ['uplink', 'isp2'],
      ['bulk', 0],
    ]);
    expect(e.unassigned).toBe(0x4000);
    expect(e.consumerMarks.map((m) => `${m.consumer}:${m.name}`)).toEqual(
      expect.arrayContaining(['kube-proxy:masq', 'calico-ebpf:bypass']),
    );
  });

  it('recognises whole marks such as Istio 1337 and Mullvad in the ct mark', () => {
    expect(explainMark(1337, { space: 'fwmark' }).consumerMarks.map((m) => m.consumer)).toEqual(
      expect.arrayContaining(['istio-sidecar', 'istio-ambient']),
    );
    const ct = explainMark(0xf41, { space: 'connmark' });
    expect(ct.consumerMarks.map((m) => `${m.consumer}:${m.name}`)).toContain('mullvad:split-tunnel');
    expect(ct.fields).toEqual([]);
    expect(ct.unassigned).toBe(0xf41);
  });

  it('explains zero as no bits', () => {
    const e = explainMark(0, { layout, space: 'fwmark' });
    expect(e.bits).toEqual([]);
    expect(e.consumerMarks).toEqual([]);
  });

  it('refuses marks and spaces that are not valid, naming them', () => {
    expect(() => explainMark(2 ** 32, { space: 'fwmark' })).toThrow(
      'mark: must be an integer 0..0xffffffff (got 4294967296)',
    );
    expect(() => explainMark(1, { space: 'secmark' as never })).toThrow(
      'space: must be "fwmark" or "connmark" (got "secmark")',
    );
  });
});
