import { describe, expect, it } from 'vitest';
import { checkReport } from './check-report';
import { KNOWN_CONSUMERS } from './consumers';
import { detectPresence, INTERFACE_SIGNS, PROCESS_SIGNS, type SystemEvidence } from './presence-evidence';
import { FILE_SIGNS, signCovers } from './presence-files';

const none: SystemEvidence = { processes: [], interfaces: [], configs: [] };
const file = (path: string, text: string): SystemEvidence => ({ ...none, configs: [{ path, text }] });
const exists = (path: string): SystemEvidence => ({ ...none, present: [path] });

// One box per detection path: what it holds, the consumer it shows, and the evidence given.
const PATHS: readonly { box: SystemEvidence; consumer: string; evidence: string }[] = [
  {
    box: file('/etc/wireguard/wg0.conf', '[Interface]\nFwMark = 0x1234\n'),
    consumer: 'wg-quick',
    evidence: '/etc/wireguard/wg0.conf: FwMark = 0x1234',
  },
  {
    box: exists('/var/lib/tailscale/tailscaled.state'),
    consumer: 'tailscale',
    evidence: '/var/lib/tailscale/tailscaled.state present',
  },
  {
    box: file('/etc/config/mwan3', "config globals 'globals'\n\toption mmx_mask '0x3F00'\n"),
    consumer: 'mwan3',
    evidence: '/etc/config/mwan3: mmx_mask 0x3F00',
  },
  {
    box: file('/etc/config/pbr', "config pbr 'config'\n\toption enabled '1'\n\toption fw_mask '00ff0000'\n"),
    consumer: 'pbr',
    evidence: '/etc/config/pbr: enabled 1, fw_mask 00ff0000',
  },
  {
    box: file('/etc/firewalld/firewalld.conf', 'DefaultZone=public\nFirewallBackend=nftables\n'),
    consumer: 'firewalld',
    evidence: '/etc/firewalld/firewalld.conf: FirewallBackend=nftables',
  },
  {
    box: file(
      '/etc/firewalld/direct.xml',
      '<?xml version="1.0" encoding="utf-8"?>\n<direct>\n  <rule ipv="ipv4" table="mangle" chain="PREROUTING" priority="0">-i eth1 -j MARK --set-xmark 0x2/0xff</rule>\n</direct>\n',
    ),
    consumer: 'firewalld',
    evidence: '/etc/firewalld/direct.xml: -i eth1 -j MARK --set-xmark 0x2/0xff',
  },
  {
    box: file(
      '/etc/firewalld/zones/internal.xml',
      '<zone><rule family="ipv4"><source address="10.0.0.0/8"/><mark set="0x10/0xff"/></rule></zone>',
    ),
    consumer: 'firewalld',
    evidence: '/etc/firewalld/zones/internal.xml: mark set=0x10/0xff',
  },
  {
    box: file(
      '/etc/firewalld/policies/lan-wan.xml',
      '<policy target="CONTINUE"><ingress-zone name="internal"/><egress-zone name="external"/><rule><mark set="0x4"/></rule></policy>',
    ),
    consumer: 'firewalld',
    evidence: '/etc/firewalld/policies/lan-wan.xml: mark set=0x4',
  },
  {
    box: file('/etc/docker/daemon.json', '{"iptables": true}\n'),
    consumer: 'docker',
    evidence: '/etc/docker/daemon.json',
  },
  { box: exists('/var/lib/docker'), consumer: 'docker', evidence: '/var/lib/docker present' },
  { box: exists('/var/lib/netbird'), consumer: 'netbird', evidence: '/var/lib/netbird present' },
  {
    box: exists('/etc/netbird/config.json'),
    consumer: 'netbird',
    evidence: '/etc/netbird/config.json present',
  },
  { box: exists('/var/lib/nordvpn'), consumer: 'nordvpn', evidence: '/var/lib/nordvpn present' },
  { box: exists('/etc/mullvad-vpn'), consumer: 'mullvad', evidence: '/etc/mullvad-vpn present' },
  {
    box: file('/etc/config/sqm', "config queue 'eth1'\n\toption enabled '1'\n\toption interface 'eth1'\n"),
    consumer: 'sqm-scripts',
    evidence: '/etc/config/sqm: a queue enabled',
  },
  { box: exists('/etc/sqm/sqm.conf'), consumer: 'sqm-scripts', evidence: '/etc/sqm/sqm.conf present' },
  {
    box: file('/etc/config/dscpclassify', "config service 'global'\n"),
    consumer: 'dscpclassify',
    evidence: '/etc/config/dscpclassify',
  },
  {
    box: file('/etc/firehol/firehol.conf', 'version 6\ninterface eth0 lan\n'),
    consumer: 'firehol',
    evidence: '/etc/firehol/firehol.conf',
  },
  {
    box: file('/etc/shorewall/shorewall.conf', 'STARTUP_ENABLED=Yes\n'),
    consumer: 'shorewall',
    evidence: '/etc/shorewall/shorewall.conf',
  },
  {
    box: file(
      '/opt/vyatta/etc/config/config.boot',
      'interfaces {\n    ethernet eth0 {\n    }\n}\npolicy {\n    route LAN {\n        rule 10 {\n            set {\n                table "10"\n            }\n        }\n    }\n}\n',
    ),
    consumer: 'vyos-policy-route',
    evidence: '/opt/vyatta/etc/config/config.boot: policy route configured',
  },
  {
    box: file(
      '/opt/vyatta/etc/config/config.boot',
      'load-balancing {\n    wan {\n        interface-health eth0 {\n        }\n    }\n}\n',
    ),
    consumer: 'vyos-wlb',
    evidence: '/opt/vyatta/etc/config/config.boot: load-balancing wan configured',
  },
  {
    box: file('/etc/kubernetes/manifests/kube-vip.yaml', 'kind: Pod\n'),
    consumer: 'kube-vip',
    evidence: '/etc/kubernetes/manifests/kube-vip.yaml',
  },
  ...(
    [
      ['calico', 'calico', '10-calico.conflist'],
      ['cilium', 'cilium-cni', '05-cilium.conflist'],
      ['flannel', 'flannel', '10-flannel.conflist'],
      ['weave', 'weave-net', '10-weave.conflist'],
      ['antrea', 'antrea', '10-antrea.conflist'],
      ['aws-vpc-cni', 'aws-cni', '10-aws.conflist'],
    ] as const
  ).map(([consumer, type, name]) => ({
    box: file(`/etc/cni/net.d/${name}`, `{"cniVersion":"0.3.1","plugins":[{"type": "${type}"}]}`),
    consumer,
    evidence: `/etc/cni/net.d/${name}: CNI plugin ${type}`,
  })),
  { box: { ...none, processes: ['mwan3track'] }, consumer: 'mwan3', evidence: 'process mwan3track' },
  { box: { ...none, interfaces: ['wg0-mullvad'] }, consumer: 'mullvad', evidence: 'interface wg0-mullvad' },
  { box: { ...none, interfaces: ['nordlynx'] }, consumer: 'nordvpn', evidence: 'interface nordlynx' },
  { box: { ...none, interfaces: ['wt0'] }, consumer: 'netbird', evidence: 'interface wt0' },
  { box: { ...none, interfaces: ['vxlan.calico'] }, consumer: 'calico', evidence: 'interface vxlan.calico' },
  { box: { ...none, interfaces: ['cilium_host'] }, consumer: 'cilium', evidence: 'interface cilium_host' },
];

// Every bit, persisted and routed, and a route among many bands: each consumer with bits conflicts somewhere.
const doc = {
  format: 'markwright/1',
  name: 'everything',
  layout: { fields: [{ name: 'all', kind: 'int', offset: 0, width: 32, persist: true }] },
  policy: { routes: [{ when: { all: 1 }, table: 201, priority: 201 }] },
};

describe('presence from files', () => {
  it('names only catalogued consumers, each sign with its source', () => {
    const ids = new Set(KNOWN_CONSUMERS.map((c) => c.id));
    for (const s of [...FILE_SIGNS, ...PROCESS_SIGNS, ...INTERFACE_SIGNS]) {
      expect(ids.has(s.consumer), s.consumer).toBe(true);
      expect(s.source.length, s.consumer).toBeGreaterThan(10);
    }
  });

  it('covers every file sign with a detection path here', () => {
    for (const sign of FILE_SIGNS) {
      const tested = PATHS.some((p) =>
        [...p.box.configs.map((c) => c.path), ...(p.box.present ?? [])].some(
          (path) => p.consumer === sign.consumer && signCovers(sign, path),
        ),
      );
      expect(tested, `${sign.consumer} ${sign.path}`).toBe(true);
    }
  });

  for (const { box, consumer, evidence } of PATHS) {
    it(`${consumer}: ${evidence} makes its conflicts detected, carrying the evidence`, () => {
      const seen = detectPresence(box);
      expect(seen).toEqual([{ consumer, evidence: [evidence] }]);
      const report = checkReport(doc, [], { evidence: new Map([[consumer, [evidence]]]) });
      const mine = report.conflicts.filter((c) => c.consumer === consumer);
      const known = KNOWN_CONSUMERS.find((c) => c.id === consumer)!;
      if (known.bits.length > 0) expect(mine.length).toBeGreaterThan(0);
      for (const c of mine) {
        expect(c.presence).toBe('detected');
        expect(c.evidence).toEqual([evidence]);
      }
      expect(
        report.conflicts.filter((c) => c.consumer !== consumer).every((c) => c.presence === 'catalogue'),
      ).toBe(true);
    });
  }

  it('files that do not show the consumer at work count for nothing', () => {
    const quiet: SystemEvidence[] = [
      file('/etc/wireguard/wg0.conf', '[Interface]\nTable = off\n[Peer]\nAllowedIPs = 0.0.0.0/0\n'),
      file('/etc/wireguard/sub/wg0.conf', '[Interface]\nFwMark = 1\n'),
      file('/etc/firewalld/zones/public.xml', '<zone><service name="ssh"/></zone>'),
      file(
        '/etc/firewalld/direct.xml',
        '<direct><rule table="filter" chain="INPUT">-j ACCEPT</rule></direct>',
      ),
      file('/etc/config/sqm', "config queue 'eth1'\n\toption enabled '0'\n"),
      file('/opt/vyatta/etc/config/config.boot', 'policy {\n    prefix-list P {\n    }\n}\n'),
      file('/etc/cni/net.d/10-bridge.conflist', '{"plugins":[{"type": "bridge"}]}'),
      file('/etc/cni/net.d/notes.txt', '{"type": "calico"}'),
      file('/etc/nftables.conf', 'FwMark = 1'),
      exists('/var/lib/other'),
    ];
    for (const box of quiet) expect(detectPresence(box), JSON.stringify(box)).toEqual([]);
  });

  it('packages installed count as presence, with their version as evidence', () => {
    const seen = detectPresence({
      ...none,
      packages: [{ consumer: 'firehol', span: { since: '3.1.7' }, evidence: 'package firehol 3.1.7 (dpkg)' }],
    });
    expect(seen).toEqual([{ consumer: 'firehol', evidence: ['package firehol 3.1.7 (dpkg)'] }]);
  });
});
