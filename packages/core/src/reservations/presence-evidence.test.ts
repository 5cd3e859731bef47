import { describe, expect, it } from 'vitest';
import { KNOWN_CONSUMERS } from './consumers';
import { detectPresence, INTERFACE_SIGNS, PROCESS_SIGNS } from './presence-evidence';
import { wgQuickMarks } from './presence-files';

const none = { processes: [], interfaces: [], configs: [] };

describe('presence from processes, interfaces and files', () => {
  it('names only catalogued consumers', () => {
    const ids = new Set(KNOWN_CONSUMERS.map((c) => c.id));
    for (const s of [...PROCESS_SIGNS, ...INTERFACE_SIGNS]) expect(ids.has(s.consumer)).toBe(true);
  });

  it('finds a daemon by its process name', () => {
    expect(detectPresence({ ...none, processes: ['systemd', 'tailscaled', 'kube-proxy', 'sshd'] })).toEqual([
      { consumer: 'tailscale', evidence: ['process tailscaled'] },
      { consumer: 'kube-proxy', evidence: ['process kube-proxy'] },
    ]);
  });

  it('finds software by the interfaces it creates', () => {
    expect(
      detectPresence({
        ...none,
        interfaces: ['lo', 'eth0', 'tailscale0', 'cali1a2b3c4d5e6', 'wg0', 'kube-ipvs0'],
      }),
    ).toEqual([
      { consumer: 'tailscale', evidence: ['interface tailscale0'] },
      { consumer: 'calico', evidence: ['interface cali1a2b3c4d5e6'] },
      { consumer: 'kube-proxy', evidence: ['interface kube-ipvs0'] },
    ]);
  });

  it('finds wg-quick by a configuration that marks packets, and not by one that does not', () => {
    const conf = (text: string) => ({ path: '/etc/wireguard/wg0.conf', text });
    expect(wgQuickMarks(conf('[Interface]\nPrivateKey = x\nFwMark = 0x1234\n'))).toBe(
      '/etc/wireguard/wg0.conf: FwMark = 0x1234',
    );
    expect(wgQuickMarks(conf('[Interface]\nTable = auto\n[Peer]\nAllowedIPs = 10.0.0.0/8, ::/0\n'))).toBe(
      '/etc/wireguard/wg0.conf: AllowedIPs = ::/0 (wg-quick sets fwmark 51820)',
    );
    expect(wgQuickMarks(conf('[Interface]\nTable = off\n[Peer]\nAllowedIPs = 0.0.0.0/0\n'))).toBeNull();
    expect(wgQuickMarks(conf('[Interface]\n[Peer]\nAllowedIPs = 10.1.0.0/16\n'))).toBeNull();
    expect(
      detectPresence({
        ...none,
        configs: [conf('[Interface]\nFwMark = 51820\n'), { path: '/etc/nftables.conf', text: 'FwMark = 1' }],
      }),
    ).toEqual([{ consumer: 'wg-quick', evidence: ['/etc/wireguard/wg0.conf: FwMark = 51820'] }]);
  });
});
