import { describe, expect, it } from 'vitest';
import { bitUsage } from '../analyze/bit-usage';
import { parseRulesetAuto } from '../lang/detect';
import { checkReport } from './check-report';
import { KNOWN_CONSUMERS } from './consumers';
import { CONSUMER_SIGNATURES, detectConsumers } from './detect';

// The shapes VyOS renders: policy route from data/templates/firewall/nftables-policy.j2 (table ip vyos_mangle,
// chains VYOS_PBR_PREROUTING and VYOS_PBR_UD_<name>, "meta mark set 0x7FFFFFFF - table"); WAN load balancing
// from data/templates/load-balancing/nftables-wlb.j2 (table ip vyos_wanloadbalance, chains wlb_mangle_*, marks
// 0xc8 + i in the packet and ct mark); the older xtables load balancer used mangle chain WANLOADBALANCE_PRE.
const policyRoute = `table ip vyos_mangle {
\tchain VYOS_PBR_PREROUTING {
\t\ttype filter hook prerouting priority mangle; policy accept;
\t\tiifname { "eth1" } counter jump VYOS_PBR_UD_LAN
\t}
\tchain VYOS_PBR_UD_LAN {
\t\tip saddr 192.0.2.0/24 counter meta mark set 0x7ffffff5
\t}
}
`;

const wanLoadBalance = `table ip vyos_wanloadbalance {
\tchain wlb_mangle_prerouting {
\t\ttype filter hook prerouting priority mangle; policy accept;
\t\tiifname "eth2" ct state new counter jump wlb_mangle_isp_eth0
\t\tiifname "eth2" counter meta mark set ct mark
\t}
\tchain wlb_mangle_isp_eth0 {
\t\tmeta mark set 0x000000c9 ct mark set 0x000000c9 counter accept
\t}
}
`;

const legacyWlb = `*mangle
:PREROUTING ACCEPT [0:0]
:WANLOADBALANCE_PRE - [0:0]
:ISP_eth0 - [0:0]
-A PREROUTING -j WANLOADBALANCE_PRE
-A WANLOADBALANCE_PRE -i eth2 -m state --state NEW -j ISP_eth0
-A ISP_eth0 -j CONNMARK --set-xmark 0xc9/0xffffffff
COMMIT
`;

const seen = (text: string) => {
  const { ruleset } = parseRulesetAuto(text);
  const names = ruleset.tables.flatMap((t) => [
    `table ${t.family} ${t.name}`,
    ...t.chains.map((c) => `chain ${t.family} ${t.name} ${c.name}`),
  ]);
  return { usages: bitUsage(ruleset), found: detectConsumers(bitUsage(ruleset), names) };
};

describe('VyOS detection', () => {
  it('every signature names a catalogued consumer', () => {
    const ids = new Set(KNOWN_CONSUMERS.map((c) => c.id));
    for (const s of CONSUMER_SIGNATURES) expect(ids.has(s.consumer), s.consumer).toBe(true);
  });

  it('finds policy route by its vyos_mangle table and VYOS_PBR chains, with the bits its rules write', () => {
    const { found } = seen(policyRoute);
    expect(found.map((c) => c.consumer)).toEqual(['vyos-policy-route']);
    expect(found[0]!.fwmarkBits).toBe(0xffffffff);
  });

  it('finds WAN load balancing by its vyos_wanloadbalance table and wlb chains, and the xtables one', () => {
    const { found } = seen(wanLoadBalance);
    expect(found.map((c) => c.consumer)).toEqual(['vyos-wlb']);
    expect(found[0]!.ctmarkBits).not.toBe(0);
    expect(seen(legacyWlb).found.map((c) => c.consumer)).toEqual(['vyos-wlb']);
  });

  it('makes their catalogued conflicts detected', () => {
    const doc = {
      format: 'markwright/1',
      name: 'on-vyos',
      layout: { fields: [{ name: 'qos', kind: 'int', offset: 0, width: 4 }] },
      policy: { routes: [] },
    };
    const { usages } = seen(wanLoadBalance);
    const wlb = checkReport(doc, usages).conflicts.filter((c) => c.consumer === 'vyos-wlb');
    expect(wlb.length).toBeGreaterThan(0);
    expect(wlb.every((c) => c.presence === 'detected')).toBe(true);
    const pbr = checkReport(doc, seen(policyRoute).usages).conflicts.filter(
      (c) => c.consumer === 'vyos-policy-route',
    );
    expect(pbr.length).toBeGreaterThan(0);
    expect(pbr.every((c) => c.presence === 'detected')).toBe(true);
  });
});
