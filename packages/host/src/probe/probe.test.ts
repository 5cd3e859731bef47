import { describe, expect, it } from 'vitest';
import { detectConsumers } from './consumers';
import { iptablesBackendOf, versionOf } from './versions';

describe('probe parsing', () => {
  it('reads versions and the iptables backend', () => {
    expect(versionOf('nftables v1.0.6 (Lester Gooch #5)')).toBe('1.0.6');
    expect(versionOf('ip utility, iproute2-6.1.0, libbpf 1.1.0')).toBe('6.1.0');
    expect(iptablesBackendOf('iptables v1.8.9 (nf_tables)')).toBe('nf_tables');
    expect(iptablesBackendOf('iptables v1.8.9 (legacy)')).toBe('legacy');
    expect(iptablesBackendOf(null)).toBeNull();
  });

  it('detects known consumers from rules and names, with the bits their rules use', () => {
    const found = detectConsumers(
      [
        {
          where: 'ip nat KUBE-MARK-MASQ #1',
          text: '-j MARK --set-xmark 0x4000/0x4000',
          fwmarkBits: 0x4000,
          ctmarkBits: 0,
        },
        {
          where: 'ip mangle mwan3_hook #1',
          text: '-j CONNMARK --restore-mark',
          fwmarkBits: 0x3f00,
          ctmarkBits: 0x3f00,
        },
        { where: 'ip mangle PREROUTING #1', text: '-j ACCEPT', fwmarkBits: 0, ctmarkBits: 0 },
      ],
      ['table inet fw4', 'chain ip filter DOCKER-USER'],
    );
    expect(found.map((c) => c.consumer).sort()).toEqual(['docker', 'fw4', 'kube-proxy', 'mwan3']);
    expect(found.find((c) => c.consumer === 'kube-proxy')?.fwmarkBits).toBe('0x00004000');
    expect(found.find((c) => c.consumer === 'mwan3')?.ctmarkBits).toBe('0x00003f00');
    expect(found.find((c) => c.consumer === 'docker')?.evidence).toEqual(['chain ip filter DOCKER-USER']);
  });

  it('does not mistake kube-router for kube-proxy', () => {
    const found = detectConsumers([
      { where: 'ip filter KUBE-ROUTER-INPUT #1', text: '', fwmarkBits: 0, ctmarkBits: 0 },
    ]);
    expect(found.map((c) => c.consumer)).toEqual(['kube-router']);
  });
});
