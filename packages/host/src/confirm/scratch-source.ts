import { randomBytes } from 'node:crypto';
import type { PacketSpec } from '@markwright/core';
import type { Runner } from '../exec/runner';
import { toolPath } from '../exec/tool-path';
import type { Target } from '../types';

// Where test packets that arrive on one of the box's devices come from: a scratch namespace joined to the target
// by a veth pair. What arrives on the target's end is redirected into the ingress of the device the packet
// should arrive on (tc mirred), so netfilter and routing see it exactly as a packet received there (the mark a
// rule matches on is given to it at that device's ingress by the observer). Deleting the scratch namespace removes the pair.

const GATEWAY4 = '169.254.77.1';
const GATEWAY6 = 'fe80::77';

/** Sends one packet: UDP datagram, TCP SYN (non-blocking connect), or ICMP echo request; optional SO_MARK. */
export const SEND_PACKET = `
import socket, sys, time
saddr, sport, daddr, dport, proto, mark = sys.argv[1:]
six = ':' in saddr
fam = socket.AF_INET6 if six else socket.AF_INET
if proto in ('icmp', 'icmpv6'):
    s = socket.socket(fam, socket.SOCK_RAW, socket.IPPROTO_ICMPV6 if six else socket.IPPROTO_ICMP)
else:
    s = socket.socket(fam, socket.SOCK_STREAM if proto == 'tcp' else socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
if int(mark):
    s.setsockopt(socket.SOL_SOCKET, 36, int(mark))
s.setsockopt(socket.SOL_IPV6 if six else socket.SOL_IP, 15, 1)
s.bind((saddr, int(sport)) if proto in ('tcp', 'udp') else (saddr, 0))
try:
    if proto == 'udp':
        s.sendto(b'markwright verify', (daddr, int(dport)))
    elif proto == 'tcp':
        s.setblocking(False)
        try:
            s.connect((daddr, int(dport)))
        except BlockingIOError:
            pass
        time.sleep(0.05)
    else:
        t = 128 if six else 8
        body = bytes([t, 0, 0, 0, 0x6d, 0x77, 0, 1]) + b'markwright'
        if not six:
            c = sum(body[i] << 8 | body[i + 1] for i in range(0, len(body), 2))
            c = (c >> 16) + (c & 0xffff); c = ~(c + (c >> 16)) & 0xffff
            body = body[:2] + bytes([c >> 8, c & 0xff]) + body[4:]
        s.sendto(body, (daddr, 0))
except OSError as e:
    print(e, file=sys.stderr)
    sys.exit(3)
`;

export interface ScratchSource {
  /** Send `p` so that it arrives on `p.iif`. */
  send(p: PacketSpec): Promise<void>;
  destroy(): Promise<void>;
}

const ip = (a: string) =>
  a.includes(':') ? { host: `${a}/128`, nodad: ['nodad'] } : { host: `${a}/32`, nodad: [] };

/**
 * Make the scratch namespace and the veth into the target. `host` runs tools in the namespace Markwright itself
 * runs in (where named namespaces are created); `target` runs them in the box being checked.
 */
export async function openScratchSource(host: Runner, target: Runner): Promise<ScratchSource> {
  const tag = `${process.pid.toString(36)}${randomBytes(2).toString('hex')}`;
  const ns = `mwverify-${tag}`;
  const dev = `mwv${tag}`.slice(0, 15);
  const peerOf = (t: Target) => (t.kind === 'netns' ? t.name : String(process.pid));
  const inNs = (argv: string[]) => host.run(['ip', '-n', ns, ...argv]);
  await host.run(['ip', 'netns', 'add', ns]);
  const destroy = async () => {
    await host.run(['ip', 'netns', 'del', ns], { allowFail: true });
  };
  try {
    await inNs(['link', 'add', 'p0', 'type', 'veth', 'peer', 'name', dev, 'netns', peerOf(target.target)]);
    await inNs(['link', 'set', 'lo', 'up']);
    await inNs(['link', 'set', 'p0', 'up']);
    await target.run(['ip', 'link', 'set', dev, 'up']);
    await target.run(['tc', 'qdisc', 'add', 'dev', dev, 'clsact']);
    const links = JSON.parse((await target.run(['ip', '-j', 'link', 'show', dev])).stdout) as {
      address: string;
    }[];
    const mac = links[0]!.address;
    await inNs(['neigh', 'replace', GATEWAY4, 'lladdr', mac, 'dev', 'p0', 'nud', 'permanent']);
    await inNs(['route', 'replace', 'default', 'via', GATEWAY4, 'dev', 'p0', 'onlink']);
    await inNs(['-6', 'neigh', 'replace', GATEWAY6, 'lladdr', mac, 'dev', 'p0', 'nud', 'permanent']);
    await inNs(['-6', 'route', 'replace', 'default', 'via', GATEWAY6, 'dev', 'p0']);
  } catch (error) {
    await destroy();
    throw error;
  }
  const sources = new Set<string>();
  // The redirect changes only when the arrival device does (packets of one device share it).
  let redirectedTo: string | null = null;
  return {
    async send(p) {
      if (!p.iif) throw new Error('a scratch source sends only packets that arrive on a device');
      if (!sources.has(p.saddr)) {
        const a = ip(p.saddr);
        await inNs(['addr', 'add', a.host, 'dev', 'p0', ...a.nodad]);
        sources.add(p.saddr);
      }
      if (redirectedTo !== p.iif) {
        await target.run([
          'tc',
          'filter',
          'replace',
          'dev',
          dev,
          'ingress',
          'prio',
          '1',
          'protocol',
          'all',
          'u32',
          'match',
          'u32',
          '0',
          '0',
          'action',
          'mirred',
          'ingress',
          'redirect',
          'dev',
          p.iif,
        ]);
        redirectedTo = p.iif;
      }
      await host.run(['ip', 'netns', 'exec', ns, toolPath('python3'), '-c', SEND_PACKET, ...sendArgs(p)]);
    },
    destroy,
  };
}

/** The sender's arguments: source, source port, destination, port, protocol, mark. */
export function sendArgs(p: PacketSpec): string[] {
  return [p.saddr, String(p.sport ?? 0), p.daddr, String(p.dport ?? 0), String(p.proto), String(p.mark ?? 0)];
}

/** Send a locally generated packet from the target itself, with the packet mark as its socket mark. */
export async function sendLocal(target: Runner, p: PacketSpec): Promise<void> {
  await target.run(['python3', '-c', SEND_PACKET, ...sendArgs(p)]);
}
