import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { makeTempDir, removeTempDir } from '@markwright/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runningProcesses, systemEvidence, wireguardConfigs, withPresence } from './system-evidence';

let root: string;
const put = (path: string, text: string) => {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
};
beforeEach(() => {
  root = makeTempDir('mw-presence-');
});
afterEach(() => removeTempDir(root));

describe('presence read from a private root', () => {
  it('reads process names from proc and wg-quick configurations from /etc/wireguard', () => {
    put('/proc/1/comm', 'init\n');
    put('/proc/4242/comm', 'tailscaled\n');
    put('/proc/self-not-a-pid/comm', 'kube-proxy\n');
    put('/etc/wireguard/wg0.conf', '[Interface]\nFwMark = 0xca6c\n');
    put('/etc/wireguard/notes.txt', 'FwMark = 1\n');
    expect(runningProcesses(root)).toEqual(['init', 'tailscaled']);
    expect(wireguardConfigs(root).map((f) => f.path)).toEqual(['/etc/wireguard/wg0.conf']);
  });

  it('adds what processes, interfaces and files show to the consumers found in rules', () => {
    put('/proc/7/comm', 'kube-proxy\n');
    put('/etc/wireguard/wg1.conf', '[Interface]\n[Peer]\nAllowedIPs = 0.0.0.0/0\n');
    const rules = [
      {
        consumer: 'kube-proxy',
        evidence: ['ip nat KUBE-MARK-MASQ #1: KUBE-MARK-MASQ'],
        fwmarkBits: '0x00004000',
        ctmarkBits: '0x00000000',
      },
    ];
    const merged = withPresence(rules, systemEvidence(root, ['lo', 'tailscale0'], { processes: true }));
    expect(merged).toEqual([
      {
        consumer: 'kube-proxy',
        evidence: ['ip nat KUBE-MARK-MASQ #1: KUBE-MARK-MASQ', 'process kube-proxy'],
        fwmarkBits: '0x00004000',
        ctmarkBits: '0x00000000',
      },
      {
        consumer: 'tailscale',
        evidence: ['interface tailscale0'],
        fwmarkBits: '0x00000000',
        ctmarkBits: '0x00000000',
      },
      {
        consumer: 'wg-quick',
        evidence: ['/etc/wireguard/wg1.conf: AllowedIPs = 0.0.0.0/0 (wg-quick sets fwmark 51820)'],
        fwmarkBits: '0x00000000',
        ctmarkBits: '0x00000000',
      },
    ]);
    // A namespace target: host processes say nothing about it.
    expect(systemEvidence(root, [], { processes: false }).processes).toEqual([]);
  });
});
