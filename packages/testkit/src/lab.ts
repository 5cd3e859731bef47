import { link, Netns } from './netns';
import { run } from './run';

/**
 * client ──(c0 10.70.0.2 / r0 10.70.0.1)── router ──(r1 192.0.2.1 / u0 192.0.2.2)── uplink1
 *                                                 └─(r2 198.51.100.1 / u0 198.51.100.2)── uplink2
 * Both uplinks own the "far" address 203.0.113.7 (on lo), so a packet to it is delivered by whichever uplink
 * the router picks. The router's main table defaults via uplink1; table 100 defaults via uplink2.
 * With `ipv6`, the same shape in IPv6: fd70::2/fd70::1, 2001:db8:1::1/::2, 2001:db8:2::1/::2, far 2001:db8:ff::7,
 * `ip -6` routes as for IPv4, and permanent neighbour entries so no neighbour discovery crosses the router's hooks.
 */
export interface RouterLab {
  readonly client: Netns;
  readonly router: Netns;
  readonly uplink1: Netns;
  readonly uplink2: Netns;
  readonly farAddress: string;
  readonly clientAddress: string;
  /** IPv6 addresses, when the lab was made with `ipv6`. */
  readonly farAddress6: string | null;
  readonly clientAddress6: string | null;
  /** UDP packets to `port` that each uplink has received so far. */
  received(port: number): { uplink1: number; uplink2: number };
  destroy(): void;
}

export const FAR_ADDRESS = '203.0.113.7';
export const FAR_ADDRESS6 = '2001:db8:ff::7';

const macOf = (ns: Netns, dev: string): string =>
  (JSON.parse(ns.exec(['ip', '-j', 'link', 'show', dev]).stdout) as { address: string }[])[0]!.address;

/** IPv6 on the lab's links; only sysctls inside the lab's namespaces are changed. */
function addIpv6(client: Netns, router: Netns, uplink1: Netns, uplink2: Netns): void {
  const links: [Netns, string, string, Netns, string, string][] = [
    [client, 'c0', 'fd70::2', router, 'r0', 'fd70::1'],
    [router, 'r1', '2001:db8:1::1', uplink1, 'u0', '2001:db8:1::2'],
    [router, 'r2', '2001:db8:2::1', uplink2, 'u0', '2001:db8:2::2'],
  ];
  for (const [a, aDev, aAddr, b, bDev, bAddr] of links) {
    // nodad: the addresses are usable at once, without the duplicate-address wait.
    a.exec(['ip', '-6', 'addr', 'add', `${aAddr}/64`, 'dev', aDev, 'nodad']);
    b.exec(['ip', '-6', 'addr', 'add', `${bAddr}/64`, 'dev', bDev, 'nodad']);
    a.exec([
      'ip',
      '-6',
      'neigh',
      'replace',
      bAddr,
      'lladdr',
      macOf(b, bDev),
      'dev',
      aDev,
      'nud',
      'permanent',
    ]);
    b.exec([
      'ip',
      '-6',
      'neigh',
      'replace',
      aAddr,
      'lladdr',
      macOf(a, aDev),
      'dev',
      bDev,
      'nud',
      'permanent',
    ]);
  }
  router.sysctl('net.ipv6.conf.all.forwarding', '1');
  client.exec(['ip', '-6', 'route', 'add', 'default', 'via', 'fd70::1', 'dev', 'c0']);
  router.exec(['ip', '-6', 'route', 'add', 'default', 'via', '2001:db8:1::2', 'dev', 'r1']);
  router.exec(['ip', '-6', 'route', 'add', 'default', 'via', '2001:db8:2::2', 'dev', 'r2', 'table', '100']);
  for (const [uplink, gw] of [
    [uplink1, '2001:db8:1::1'],
    [uplink2, '2001:db8:2::1'],
  ] as const) {
    uplink.exec(['ip', '-6', 'addr', 'add', `${FAR_ADDRESS6}/128`, 'dev', 'lo', 'nodad']);
    uplink.exec(['ip', '-6', 'route', 'add', 'fd70::/64', 'via', gw, 'dev', 'u0']);
  }
}

export function createRouterLab(prefix: string, options: { ipv6?: boolean } = {}): RouterLab {
  const made: Netns[] = [];
  try {
    const client = Netns.create(`${prefix}-c`);
    made.push(client);
    const router = Netns.create(`${prefix}-r`);
    made.push(router);
    const uplink1 = Netns.create(`${prefix}-u1`);
    made.push(uplink1);
    const uplink2 = Netns.create(`${prefix}-u2`);
    made.push(uplink2);

    link(client, 'c0', '10.70.0.2/24', router, 'r0', '10.70.0.1/24');
    link(router, 'r1', '192.0.2.1/24', uplink1, 'u0', '192.0.2.2/24');
    link(router, 'r2', '198.51.100.1/24', uplink2, 'u0', '198.51.100.2/24');
    router.sysctl('net.ipv4.ip_forward', '1');
    // Reverse-path filtering would drop replies routed by mark; the lab measures routing, not rp_filter.
    for (const ns of [router, uplink1, uplink2]) {
      ns.sysctl('net.ipv4.conf.all.rp_filter', '0');
      ns.sysctl('net.ipv4.conf.default.rp_filter', '0');
    }
    client.exec(['ip', 'route', 'add', 'default', 'via', '10.70.0.1']);
    router.exec(['ip', 'route', 'add', 'default', 'via', '192.0.2.2', 'dev', 'r1']);
    router.exec(['ip', 'route', 'add', 'default', 'via', '198.51.100.2', 'dev', 'r2', 'table', '100']);
    for (const [uplink, gw] of [
      [uplink1, '192.0.2.1'],
      [uplink2, '198.51.100.1'],
    ] as const) {
      uplink.exec(['ip', 'addr', 'add', `${FAR_ADDRESS}/32`, 'dev', 'lo']);
      uplink.exec(['ip', 'route', 'add', '10.70.0.0/24', 'via', gw]);
      uplink.nft(
        'table inet mwlab {\n  chain input {\n    type filter hook input priority 0; policy accept;\n  }\n}\n',
      );
    }

    if (options.ipv6) addIpv6(client, router, uplink1, uplink2);

    const counters = new Map<number, true>();
    const ensureCounter = (port: number): void => {
      if (counters.has(port)) return;
      for (const uplink of [uplink1, uplink2]) {
        uplink.nft(`add rule inet mwlab input udp dport ${port} counter comment "port-${port}"\n`);
      }
      counters.set(port, true);
    };
    const count = (uplink: Netns, port: number): number => {
      const listing = JSON.parse(
        uplink.exec(['nft', '-j', 'list', 'chain', 'inet', 'mwlab', 'input']).stdout,
      );
      type Listed = { rule?: { comment?: string; expr: { counter?: { packets: number } }[] } };
      for (const item of listing.nftables as Listed[]) {
        if (item.rule?.comment === `port-${port}`) {
          return item.rule.expr.find((e) => e.counter)?.counter?.packets ?? 0;
        }
      }
      return 0;
    };

    return {
      client,
      router,
      uplink1,
      uplink2,
      farAddress: FAR_ADDRESS,
      clientAddress: '10.70.0.2',
      farAddress6: options.ipv6 ? FAR_ADDRESS6 : null,
      clientAddress6: options.ipv6 ? 'fd70::2' : null,
      received(port) {
        ensureCounter(port);
        return { uplink1: count(uplink1, port), uplink2: count(uplink2, port) };
      },
      destroy() {
        for (const ns of made) ns.destroy();
      },
    };
  } catch (error) {
    for (const ns of made) ns.destroy();
    throw error;
  }
}

/** Send `count` UDP datagrams from inside a namespace, from a fixed source port (so they form one flow). */
export function sendUdp(
  ns: Netns,
  target: { daddr: string; dport: number; sport?: number; count?: number; mark?: number },
): void {
  const script = `
const dgram = require('node:dgram');
const [daddr, dport, sport, count] = process.argv.slice(1).map((v, i) => (i === 0 ? v : Number(v)));
const s = dgram.createSocket('udp4');
s.bind(sport, () => {
  let left = count;
  const next = () => { if (left-- <= 0) return s.close(); s.send('markwright', dport, daddr, next); };
  next();
});`;
  run(
    [
      process.execPath,
      '-e',
      script,
      target.daddr,
      String(target.dport),
      String(target.sport ?? 0),
      String(target.count ?? 1),
    ],
    {
      netns: ns.name,
    },
  );
}
