import { describe, expect, it } from 'vitest';
import { isU32, u32 } from '../bits/u32';
import { findConsumer, KNOWN_CONSUMERS } from './consumers';

describe('KNOWN_CONSUMERS', () => {
  it('has every consumer of marks-facts.md section B', () => {
    const ids = KNOWN_CONSUMERS.map((c) => c.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'kube-proxy',
        'kube-proxy-nftables',
        'kubelet',
        'openshift-sdn',
        'calico',
        'calico-ebpf',
        'cilium',
        'tailscale',
        'wg-quick',
        'networkmanager',
        'systemd-networkd',
        'istio-sidecar',
        'istio-ambient',
        'docker',
        'firewalld',
        'mwan3',
        'mwan4',
        'multiwan-nft',
        'shorewall',
        'mullvad',
        'opensnitch',
        'flannel',
        'weave',
        'antrea',
        'netavark',
        'sing-box',
        'clash',
        'xray',
        'android-netd',
        'talos-kubespan',
        'kube-router',
        'gke-netd',
        'aws-vpc-cni',
      ]),
    );
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('keeps every entry well formed: u32 masks, marks inside their masks, a source', () => {
    for (const c of KNOWN_CONSUMERS) {
      expect(c.id).toMatch(/^[a-z][a-z0-9-]*$/);
      expect(c.source.length).toBeGreaterThan(5);
      for (const b of c.bits) {
        expect(isU32(b.mask) && b.mask !== 0, `${c.id} ${b.meaning}`).toBe(true);
        expect(b.meaning).not.toBe('');
      }
      for (const m of c.marks) {
        expect(isU32(m.value) && isU32(m.mask), `${c.id} ${m.name}`).toBe(true);
        expect(u32(m.value & ~m.mask), `${c.id} ${m.name} has bits outside its mask`).toBe(0);
      }
    }
  });

  it('records the facts that matter for collisions', () => {
    expect(findConsumer('kube-proxy')!.bits[0]!.mask).toBe(0x4000);
    expect(findConsumer('calico')!.bits[0]!.mask).toBe(0xffff0000);
    expect(findConsumer('tailscale')!.marks.map((m) => m.value)).toEqual([0x40000, 0x80000]);
    expect(findConsumer('tailscale')!.setsSrcValidMark).toBe(true);
    expect(findConsumer('wg-quick')!.overwritesWholeMark).toEqual(['fwmark', 'connmark']);
    expect(findConsumer('istio-sidecar')!.marks[0]!.value).toBe(1337);
    expect(findConsumer('mullvad')!.marks.map((m) => m.value)).toEqual([0x6d6f6c65, 0xf41]);
    expect(findConsumer('mwan3')!.bits[0]!.mask).toBe(0x3f00);
    expect(findConsumer('mwan4')!.verified).toBe(false);
    expect(findConsumer('systemd-networkd')!.bits).toEqual([]);
    expect(findConsumer('nope')).toBeUndefined();
  });
});
