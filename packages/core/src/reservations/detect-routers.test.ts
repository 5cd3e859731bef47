import { describe, expect, it } from 'vitest';
import { bitUsage } from '../analyze/bit-usage';
import { parseRulesetAuto } from '../lang/detect';
import { checkReport } from './check-report';
import { findConsumer } from './consumers';
import { consumerOfRule, detectConsumers } from './detect';
import { routeConflicts } from './route-conflicts';

const found = (text: string) => {
  const { ruleset } = parseRulesetAuto(text);
  return detectConsumers(bitUsage(ruleset)).map((c) => c.consumer);
};

// Rule shapes as each project writes them (sources in the registry entries).
describe('router and add-on detection by their rules', () => {
  it('dscpclassify by its table, sqm-scripts by its QOS_MARK chains', () => {
    expect(
      found(
        'table inet dscpclassify {\n\tchain static_classify {\n\t\tct mark set ct mark and 0xffffff00 or 0x00000080\n\t}\n}\n',
      ),
    ).toEqual(['dscpclassify']);
    expect(
      found('*mangle\n:QOS_MARK_eth1 - [0:0]\n-A QOS_MARK_eth1 -j MARK --set-xmark 0x2/0xff\nCOMMIT\n'),
    ).toEqual(['sqm-scripts']);
  });

  it('kube-vip by its egress chain, not mistaken for kube-proxy', () => {
    const egress =
      '*mangle\n:KUBE-VIP-EGRESS - [0:0]\n-A KUBE-VIP-EGRESS -s 10.0.0.5/32 -j MARK --set-xmark 0x40/0x40\nCOMMIT\n';
    expect(found(egress)).toEqual(['kube-vip']);
    expect(consumerOfRule({ where: 'ip kube_vip_v4 kvip_mpre_wg0 #1', rule: 'ct mark set 0x0001ca6c' })).toBe(
      'kube-vip',
    );
    expect(consumerOfRule({ where: 'ip nat KUBE-SERVICES #1', rule: '' })).toBe('kube-proxy');
  });
});

describe('registry bands and bits read from the sources', () => {
  const doc = (fields: unknown[]) => ({
    format: 'markwright/1',
    name: 'r',
    layout: { fields },
    policy: { routes: [] },
  });

  it("pbr's ip rule window is 30000 + 1 down by 255", () => {
    const route = (priority: number) => ({ when: {}, table: 300, priority });
    const pbr = findConsumer('pbr')!;
    const hits = (p: number) => routeConflicts([route(p)], { consumers: [pbr] }).length;
    expect([hits(30001), hits(29745), hits(29744), hits(30002)]).toEqual([1, 1, 0, 0]);
  });

  it("FireHOL's connmark and usermark groups are in the packet mark and saved in the ct mark", () => {
    const conflicts = checkReport(doc([{ name: 'low', kind: 'int', offset: 0, width: 13, persist: true }]))
      .conflicts.filter((c) => c.consumer === 'firehol')
      .map((c) => c.bits);
    expect(conflicts).toEqual(['0x3f', '0x1fc0', '0x1fff']);
  });

  it("kube-vip's egress bit and its tunnel connmark", () => {
    const report = checkReport(doc([{ name: 'b6', kind: 'flag', offset: 6 }]));
    const kubeVip = report.conflicts.filter((c) => c.consumer === 'kube-vip');
    expect(kubeVip.map((c) => c.severity)).toEqual(['shares-bits', 'shares-bits']);
    expect(kubeVip[0]!.detail).toContain('KUBE-VIP-EGRESS');
  });
});
