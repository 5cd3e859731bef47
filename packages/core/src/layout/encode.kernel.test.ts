import { kernelSkip, Netns, sendUdp } from '@markwright/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatMaskedValue } from '../bits/masked-value';
import { hex } from '../bits/u32';
import { uplinkField } from '../testing/dual-wan';
import { decodeMark, encodeFields } from './encode';
import type { Layout } from './types';

// Field values encoded by Markwright, written by the kernel and read back by the tools, decode to what was set.
const reason = kernelSkip('layout kernel tests', ['ip', 'nft', 'iptables', 'iptables-save', 'conntrack']);

const base = { persist: false, newOnly: false } as const;
const layout: Layout = {
  fields: [
    uplinkField(),
    { ...base, name: 'bulk', space: 'fwmark', kind: 'flag', mask: 0x04000000, offset: 26, width: 1 },
    // mwan3-style: interface ids spread over a non-contiguous mask.
    { ...base, name: 'iface', space: 'fwmark', kind: 'int', mask: 0x80003a00 },
  ],
};
const cases = [
  { uplink: 'isp2', bulk: true, iface: 13 },
  { uplink: 'isp1', bulk: false, iface: 31 },
  { uplink: 'isp2', bulk: 1, iface: 16 },
] as const;

describe.skipIf(reason)('encoded fields in the kernel', () => {
  let ns: Netns;
  beforeAll(() => {
    ns = Netns.create('layout');
  });
  afterAll(() => ns?.destroy());

  it('ip rule and iptables-save print the encoded v/m exactly as formatMaskedValue does', () => {
    cases.forEach((values, i) => {
      const mv = encodeFields(layout, values, 'fwmark');
      ns.exec([
        'ip',
        'rule',
        'add',
        'fwmark',
        `${hex(mv.value)}/${hex(mv.mask)}`,
        'table',
        String(100 + i),
        'pref',
        String(1000 + i),
      ]);
      ns.exec([
        'iptables',
        '-t',
        'mangle',
        '-A',
        'PREROUTING',
        '-m',
        'mark',
        '--mark',
        `${mv.value}/${mv.mask}`,
        '-j',
        'ACCEPT',
      ]);
      const rules = ns.exec(['ip', 'rule', 'show', 'pref', String(1000 + i)]).stdout;
      expect(rules).toContain(`fwmark ${formatMaskedValue(mv)} lookup ${100 + i}`);
      expect(ns.exec(['iptables-save', '-t', 'mangle']).stdout).toContain(
        `-m mark --mark ${formatMaskedValue(mv)} -j ACCEPT`,
      );
    });
  });

  it('a mark written with the encoded v/m decodes back to the values (read from conntrack)', () => {
    const writes = cases.map((values, i) => {
      const mv = encodeFields(layout, values, 'fwmark');
      const keep = ~mv.mask >>> 0;
      return `udp dport ${5001 + i} meta mark set meta mark and ${hex(keep)} xor ${hex(mv.value)} ct mark set meta mark`;
    });
    ns.nft(`table inet mwtest {
  chain out {
    type filter hook output priority mangle; policy accept;
    meta mark set 0x00004001
    ${writes.join('\n    ')}
  }
}`);
    cases.forEach((_, i) => {
      sendUdp(ns, { daddr: '127.0.0.1', dport: 5001 + i, sport: 6001 + i });
    });
    const listing = ns.exec(['conntrack', '-L', '-p', 'udp']).stdout;
    cases.forEach((values, i) => {
      const line = listing.split('\n').find((l) => l.includes(`sport=${6001 + i} dport=${5001 + i}`));
      expect(line, `no conntrack entry for flow ${i}`).toBeDefined();
      const mark = Number(/mark=(\d+)/.exec(line!)?.[1]);
      // Bits outside the layout (0x4001, set first) are kept by the masked write.
      expect(mark & 0x4001).toBe(0x4001);
      const decoded = Object.fromEntries(decodeMark(layout, mark, 'fwmark').map((d) => [d.field, d.value]));
      expect(decoded).toEqual({ uplink: values.uplink, bulk: Number(values.bulk), iface: values.iface });
    });
  });
});
