import type { BoxConfig, IpRule, PacketSpec, Route } from '@markwright/core';
import { ipRuleAddWords } from '@markwright/core/lang';
import { cidrTest, parseAddr, tableName } from '@markwright/core/simulate';
import { addAddress, Netns, veth } from '@markwright/testkit/netns';

/**
 * Scratch namespaces that stand in for the box: a router namespace with one veth per interface the box's routes,
 * rules and packets name, the box's addresses, routes and ip rules; and one peer namespace per interface, which
 * sends the packets that arrive on it. Nothing is created in the root namespace; the namespaces are testkit's,
 * the one module that makes and removes them.
 */
export interface Scratch {
  readonly router: Netns;
  /** Peer namespace behind each router interface. */
  readonly peers: ReadonlyMap<string, Netns>;
  readonly devices: readonly string[];
  destroy(): void;
}

const DEFAULT_RULES = new Map([
  [0, 'local'],
  [32766, 'main'],
  [32767, 'default'],
]);
// Peers answer nothing: no ICMP errors, no TCP resets, so the router's conntrack sees only the replayed packets.
const QUIET =
  'table inet mwquiet {\n  chain out {\n    type filter hook output priority 0; policy accept;\n' +
  '    icmp type destination-unreachable drop\n    icmpv6 type destination-unreachable drop\n' +
  '    tcp flags & rst == rst drop\n  }\n}\n';

/** One of the three rules every namespace starts with (0 local, 32766 main, 32767 default). */
const isDefaultRule = (r: IpRule): boolean =>
  r.action.kind === 'table' &&
  DEFAULT_RULES.get(r.priority) === tableName(r.action.table) &&
  !r.not &&
  !r.fwmark &&
  !r.from &&
  !r.to &&
  !r.iif &&
  !r.oif &&
  r.suppressPrefixlength === undefined;

const GATEWAY4 = '169.254.77.1';
const GATEWAY6 = 'fe80::77';

function devicesOf(box: BoxConfig, packets: readonly PacketSpec[]): string[] {
  const names = new Set<string>();
  for (const p of packets) {
    if (p.iif) names.add(p.iif);
    if (p.oif) names.add(p.oif);
  }
  for (const r of box.routes) if (r.dev) names.add(r.dev);
  for (const r of box.ipRules) {
    if (r.iif) names.add(r.iif);
    if (r.oif) names.add(r.oif);
  }
  names.delete('lo');
  return [...names].sort();
}

/** `ip rule add` arguments for one rule of the IR. */
export const ipRuleArgs = (r: IpRule): string[] => [
  r.family === 6 ? '-6' : '-4',
  'rule',
  'add',
  ...ipRuleAddWords(r),
];

/** `ip route add` arguments for a route the kernel does not create by itself (local and connected ones it does). */
export function routeArgs(r: Route): string[] | null {
  if (tableName(r.table) === 'local' || r.protocol === 'kernel') return null;
  const args = [r.family === 6 ? '-6' : '-4', 'route', 'replace'];
  if (r.type !== 'unicast') args.push(r.type);
  args.push(r.dst.prefix === 0 ? 'default' : `${r.dst.address}/${r.dst.prefix}`);
  if (r.gateway) args.push('via', r.gateway);
  if (r.dev && r.type === 'unicast') args.push('dev', r.dev);
  if (r.gateway) args.push('onlink');
  if (r.metric !== undefined) args.push('metric', String(r.metric));
  args.push('table', tableName(r.table));
  return args;
}

function routerAddresses(box: BoxConfig, dev: string): string[] {
  const out: string[] = [];
  for (const r of box.routes) {
    if (tableName(r.table) !== 'local' || r.type !== 'local' || r.dev !== dev) continue;
    // The prefix comes from the connected route on the same device that contains the address.
    // IPv6 connected routes name no source: the one on the device whose prefix holds the address.
    const address = parseAddr(r.dst.address, 'route.dst');
    const connected = box.routes.find(
      (c) =>
        c.dev === dev &&
        tableName(c.table) === 'main' &&
        ((c.scope === 'link' && c.prefsrc === r.dst.address) ||
          (r.family === 6 &&
            c.family === 6 &&
            c.type === 'unicast' &&
            !c.gateway &&
            c.dst.prefix > 0 &&
            c.dst.prefix < 128 &&
            cidrTest(c.dst)(address))),
    );
    out.push(`${r.dst.address}/${connected ? connected.dst.prefix : r.dst.prefix}`);
  }
  return out;
}

export function buildScratch(box: BoxConfig, packets: readonly PacketSpec[]): Scratch {
  const made: Netns[] = [];
  const peers = new Map<string, Netns>();
  const destroy = (): void => {
    for (const ns of made.reverse()) ns.destroy();
    made.length = 0;
  };
  try {
    const router = Netns.create('verify-r');
    made.push(router);
    const devices = devicesOf(box, packets);
    for (const dev of devices) {
      const peer = Netns.create('verify-p');
      made.push(peer);
      peers.set(dev, peer);
      veth(router, dev, peer, 'p0');
      for (const addr of routerAddresses(box, dev)) addAddress(router, dev, addr);
    }
    for (const [key, value] of [
      ['net.ipv4.ip_forward', '1'],
      ['net.ipv6.conf.all.forwarding', '1'],
      ['net.ipv4.conf.all.rp_filter', '0'],
      ['net.ipv4.conf.default.rp_filter', '0'],
      ...devices.map((d) => [`net.ipv4.conf.${d}.rp_filter`, '0']),
    ] as const) {
      router.sysctl(key, value);
    }
    for (const r of box.routes) {
      const args = routeArgs(r);
      if (args) router.exec(['ip', ...args]);
    }
    for (const r of box.ipRules) if (!isDefaultRule(r)) router.exec(['ip', ...ipRuleArgs(r)]);
    for (const family of [4, 6] as const) {
      const mine = box.ipRules.filter((r) => r.family === family);
      if (mine.length === 0) continue;
      for (const [priority, table] of DEFAULT_RULES) {
        if (family === 6 && priority === 32767) continue;
        const kept = mine.some((r) => isDefaultRule(r) && r.priority === priority);
        if (!kept) router.exec(['ip', `-${family}`, 'rule', 'del', 'pref', String(priority), 'table', table]);
      }
    }
    // Each peer reaches the router through a static neighbour, so no router address is needed on its link.
    for (const [dev, peer] of peers) {
      const mac = JSON.parse(router.exec(['ip', '-j', 'link', 'show', dev]).stdout)[0].address as string;
      peer.exec(['ip', 'neigh', 'replace', GATEWAY4, 'lladdr', mac, 'dev', 'p0', 'nud', 'permanent']);
      peer.exec(['ip', 'route', 'replace', 'default', 'via', GATEWAY4, 'dev', 'p0', 'onlink']);
      peer.exec(['ip', '-6', 'neigh', 'replace', GATEWAY6, 'lladdr', mac, 'dev', 'p0', 'nud', 'permanent']);
      peer.exec(['ip', '-6', 'route', 'replace', 'default', 'via', GATEWAY6, 'dev', 'p0']);
      // Nobody listens on the peers: keep their ICMP errors out of the router's conntrack.
      peer.nft(QUIET);
      const sources = new Set(packets.filter((p) => p.iif === dev).map((p) => p.saddr));
      for (const s of sources) addAddress(peer, 'p0', s.includes(':') ? `${s}/128` : `${s}/32`);
    }
    return { router, peers, devices, destroy };
  } catch (error) {
    destroy();
    throw error;
  }
}
