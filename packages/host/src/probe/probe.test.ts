import { describe, expect, it } from 'vitest';
import { detectConsumers } from './consumers';
import { iptablesMarkBits, nftMarkBits, readIptablesSave, readNftJson } from './interim-parse';
import { iptablesBackendOf, versionOf } from './versions';

describe('probe parsing', () => {
  it('reads versions and the iptables backend', () => {
    expect(versionOf('nftables v1.0.6 (Lester Gooch #5)')).toBe('1.0.6');
    expect(versionOf('ip utility, iproute2-6.1.0, libbpf 1.1.0')).toBe('6.1.0');
    expect(iptablesBackendOf('iptables v1.8.9 (nf_tables)')).toBe('nf_tables');
    expect(iptablesBackendOf('iptables v1.8.9 (legacy)')).toBe('legacy');
    expect(iptablesBackendOf(null)).toBeNull();
  });

  it('finds the bits of nft mark expressions', () => {
    const meta = { meta: { key: 'mark' } };
    expect(nftMarkBits([{ match: { op: '==', left: { '&': [meta, 0x300] }, right: 0x100 } }], 'meta')).toBe(
      0x300,
    );
    expect(
      nftMarkBits([{ mangle: { key: meta, value: { '|': [{ '&': [meta, 0xffff00ff] }, 0x100] } } }], 'meta'),
    ).toBe(0xff00);
    expect(nftMarkBits([{ mangle: { key: { ct: { key: 'mark' } }, value: meta } }], 'ct')).toBe(0xffffffff);
    expect(nftMarkBits([{ mangle: { key: meta, value: { '|': [meta, 0x10000] } } }], 'meta')).toBe(0x10000);
    expect(nftMarkBits([{ accept: null }], 'meta')).toBe(0);
  });

  it('finds the bits of iptables mark options', () => {
    expect(iptablesMarkBits('-A PREROUTING -j MARK --set-xmark 0x4000/0x4000')).toEqual({
      fw: 0x4000,
      ct: 0,
    });
    expect(iptablesMarkBits('-A X -j CONNMARK --save-mark --nfmask 0xff --ctmask 0xff00')).toEqual({
      fw: 0xff,
      ct: 0xff00,
    });
    expect(iptablesMarkBits('-A X -m mark --mark 0x1/0x3 -j ACCEPT')).toEqual({ fw: 0x3, ct: 0 });
  });

  it('detects known consumers with their bits', () => {
    const nft = readNftJson(
      JSON.stringify({
        nftables: [
          { table: { family: 'ip', name: 'mangle' } },
          { chain: { family: 'ip', table: 'mangle', name: 'KUBE-MARK-MASQ' } },
          {
            rule: {
              family: 'ip',
              table: 'mangle',
              chain: 'KUBE-MARK-MASQ',
              expr: [
                {
                  mangle: {
                    key: { meta: { key: 'mark' } },
                    value: { '|': [{ '&': [{ meta: { key: 'mark' } }, 0xffffbfff] }, 0x4000] },
                  },
                },
              ],
            },
          },
        ],
      }),
    );
    expect(nft.tables[0]?.chains[0]?.name).toBe('KUBE-MARK-MASQ');
    const saved = readIptablesSave(
      '*mangle\n-A PREROUTING -i docker0 -j DOCKER\n-A mwan3_hook -j CONNMARK --restore-mark --nfmask 0x3f00 --ctmask 0x3f00\nCOMMIT\n',
    );
    const found = detectConsumers([...nft.rules, ...saved]);
    expect(found.map((c) => c.consumer).sort()).toEqual(['docker', 'kube-proxy', 'mwan3']);
    expect(found.find((c) => c.consumer === 'kube-proxy')?.fwmarkBits).toBe('0x00004000');
    expect(found.find((c) => c.consumer === 'mwan3')?.ctmarkBits).toBe('0x00003f00');
  });
});
