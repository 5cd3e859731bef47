import {
  EnvironmentError,
  hex8,
  type KernelObservation,
  type PacketResult,
  type PacketSpec,
  type SimulationReport,
  type VerifyReport,
  type VerifyRow,
} from '@markwright/core';
import { hasCommand, run, ToolFailure } from '@markwright/testkit/run';
import { type CommandIo, EXIT, type ExitCode } from '../io';
import type { LoadedBox } from './box-files';
import { buildScratch, type Scratch } from './scratch';

const UDP_PAYLOAD = 16;

/** The transport a replayed packet uses, or null when the packet is not replayed. */
function transportOf(p: PacketSpec): 'udp' | 'tcp' | null {
  if (p.proto === 'udp' || p.proto === 17) return 'udp';
  if (p.proto === 'tcp' || p.proto === 6) return 'tcp';
  return null;
}

/**
 * Postrouting (and input, for local delivery) at a priority after every ordinary chain: the marks as the packet
 * leaves. One set per device, keyed `meta mark . ct mark`, filtered to the packet being replayed.
 */
function observerScript(devices: readonly string[], p: PacketSpec, l4: 'udp' | 'tcp'): string {
  const l3 = p.saddr.includes(':') ? 'ip6' : 'ip';
  const filter = `${l3} saddr ${p.saddr} meta l4proto ${l4} ${l4} sport ${p.sport ?? 0}`;
  const targets = [...devices, 'lo'].map((d, i) => ({ set: `o${i}`, rule: `oifname "${d}" ${filter}` }));
  targets.push({ set: 'oin', rule: filter });
  const sets = targets.map((t) => `  set ${t.set} {\n    typeof meta mark . ct mark\n  }\n`).join('');
  const post = targets
    .filter((t) => t.set !== 'oin')
    .map((t) => `    ${t.rule} add @${t.set} { meta mark . ct mark }\n`)
    .join('');
  return (
    `table inet mwverify {\n${sets}` +
    `  chain post {\n    type filter hook postrouting priority 2147483000; policy accept;\n${post}  }\n` +
    `  chain in {\n    type filter hook input priority 2147483000; policy accept;\n    ${filter} add @oin { meta mark . ct mark }\n  }\n}\n`
  );
}

const SEND_UDP = `
const dgram = require('node:dgram');
const [saddr, sport, daddr, dport, len] = process.argv.slice(1);
const s = dgram.createSocket(saddr.includes(':') ? 'udp6' : 'udp4');
s.bind(Number(sport), saddr, () => s.send(Buffer.alloc(Number(len), 0x6d), Number(dport), daddr, () => s.close()));`;

// A TCP packet is replayed as the SYN of a connection attempt; nobody answers, so the attempt is dropped unsent.
const SEND_TCP = `
const net = require('node:net');
const [saddr, sport, daddr, dport] = process.argv.slice(1);
const s = net.connect({ host: daddr, port: Number(dport), localAddress: saddr, localPort: Number(sport) });
s.on('error', () => {});
setTimeout(() => { s.destroy(); process.exit(0); }, 100);`;

// Locally generated packets need SO_MARK (36), which node cannot set; IP_FREEBIND lets any source be bound.
const SEND_MARKED = `
import socket, sys
import time
saddr, sport, daddr, dport, mark, n, l4 = sys.argv[1:]
s = socket.socket(socket.AF_INET6 if ':' in saddr else socket.AF_INET, socket.SOCK_STREAM if l4 == 'tcp' else socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, 36, int(mark))
if ':' in saddr:
    s.setsockopt(socket.IPPROTO_IPV6, 78, 1)
else:
    s.setsockopt(socket.SOL_IP, 15, 1)
s.bind((saddr, int(sport)))
try:
    if l4 == 'tcp':
        s.setblocking(False)
        s.connect_ex((daddr, int(dport)))
        time.sleep(0.1)
    else:
        s.sendto(b'm' * int(n), (daddr, int(dport)))
except OSError as e:
    print(e, file=sys.stderr)
`;

interface Listing {
  readonly nftables: readonly {
    readonly set?: { readonly name: string; readonly elem?: readonly { readonly concat: number[] }[] };
  }[];
}

function replay(scratch: Scratch, p: PacketSpec): KernelObservation {
  const l4 = transportOf(p);
  if (!l4) return { replayed: false, reason: 'only UDP and TCP packets are replayed' };
  const local = p.iif === null || p.iif === undefined;
  if (local && !hasCommand('python3'))
    return { replayed: false, reason: 'locally generated packets need python3 (SO_MARK)' };
  scratch.router.nft('table inet mwverify\ndelete table inet mwverify\n');
  scratch.router.nft(observerScript(scratch.devices, p, l4));
  const args = [p.saddr, String(p.sport ?? 0), p.daddr, String(p.dport ?? 0)];
  if (local) {
    scratch.router.exec([
      'python3',
      '-c',
      SEND_MARKED,
      ...args,
      String(p.mark ?? 0),
      String(UDP_PAYLOAD),
      l4,
    ]);
  } else {
    const peer = scratch.peers.get(p.iif!);
    if (!peer) return { replayed: false, reason: `no interface ${p.iif}` };
    const script = l4 === 'tcp' ? SEND_TCP : SEND_UDP;
    peer.exec([process.execPath, '-e', script, ...args, String(UDP_PAYLOAD)]);
  }
  run(['sleep', '0.05']);
  const listing = JSON.parse(
    scratch.router.exec(['nft', '-j', 'list', 'table', 'inet', 'mwverify']).stdout,
  ) as Listing;
  const names = [...scratch.devices, 'lo'];
  for (const item of listing.nftables) {
    const elem = item.set?.elem?.[0];
    if (!item.set || !elem) continue;
    const [mark, ctmark] = elem.concat as [number, number];
    const oif = item.set.name === 'oin' ? null : (names[Number(item.set.name.slice(1))] ?? null);
    return { replayed: true, verdict: 'accept', mark, ctmark, oif };
  }
  return { replayed: true, verdict: 'drop' };
}

function compare(index: number, k: KernelObservation, s: PacketResult): VerifyRow {
  const simulator = { verdict: s.verdict, mark: s.mark, ctmark: s.ctmark, oif: s.oif };
  if (!k.replayed) return { packet: index + 1, kernel: k, simulator, agree: null, differences: [] };
  const differences: string[] = [];
  if (k.verdict !== s.verdict) differences.push(`verdict: kernel ${k.verdict}, simulator ${s.verdict}`);
  else if (k.verdict === 'accept') {
    if (k.mark !== s.mark) differences.push(`mark: kernel ${hex8(k.mark!)}, simulator ${hex8(s.mark)}`);
    if (k.ctmark !== s.ctmark)
      differences.push(`ctmark: kernel ${hex8(k.ctmark!)}, simulator ${hex8(s.ctmark)}`);
    if (k.oif !== s.oif)
      differences.push(`oif: kernel ${k.oif ?? '(local)'}, simulator ${s.oif ?? '(local)'}`);
  }
  return { packet: index + 1, kernel: k, simulator, agree: differences.length === 0, differences };
}

function loadRuleset(scratch: Scratch, loaded: LoadedBox): void {
  scratch.router.exec([...loaded.kind.load!], { input: loaded.rulesetText });
}

const outcomeText = (o: { verdict?: string; mark?: number; ctmark?: number; oif?: string | null }): string =>
  o.verdict === 'accept'
    ? `accept ${o.oif ?? 'local'} mark ${hex8(o.mark ?? 0)} ctmark ${hex8(o.ctmark ?? 0)}`
    : 'drop';

export interface VerifyOptions {
  /** Runs in the scratch router namespace (by name) after the box is loaded, before any packet is replayed. */
  readonly afterLoad?: (routerNetns: string) => void;
}

/**
 * `simulate --verify`: replay the packets through the kernel in scratch namespaces and compare. Exit 3 when the
 * kernel disagrees with the simulator on any replayed packet (the report is printed all the same).
 */
export async function verifyOnKernel(
  io: CommandIo,
  loaded: LoadedBox,
  packets: readonly PacketSpec[],
  report: SimulationReport,
  json: boolean,
  options: VerifyOptions = {},
): Promise<ExitCode> {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new EnvironmentError('simulate --verify needs root (it builds network namespaces)', '--verify');
  }
  const tools = [...new Set(['ip', 'nft', loaded.kind.load![0]!])];
  const missing = tools.filter((t) => !hasCommand(t));
  if (missing.length > 0) {
    throw new EnvironmentError(`simulate --verify needs ${missing.join(', ')}`, '--verify');
  }
  let scratch: Scratch | null = null;
  const rows: VerifyRow[] = [];
  try {
    scratch = buildScratch(loaded.box, packets);
    loadRuleset(scratch, loaded);
    options.afterLoad?.(scratch.router.name);
    packets.forEach((p, i) => {
      rows.push(compare(i, replay(scratch!, p), report.packets[i]!));
    });
  } catch (error) {
    if (error instanceof ToolFailure) {
      throw new EnvironmentError(`the kernel refused the scratch box: ${error.message}`, '--verify');
    }
    throw error;
  } finally {
    scratch?.destroy();
  }
  const compared = rows.filter((r) => r.agree !== null);
  const agreed = compared.filter((r) => r.agree).length;
  const code = agreed === compared.length ? EXIT.ok : EXIT.disagreed;
  if (json) {
    const out: VerifyReport = {
      packets: report.packets,
      verify: { agreed, compared: compared.length, rows },
    };
    io.stdout(`${JSON.stringify(out, null, 2)}\n`);
    return code;
  }
  const lines = rows.map((r) => {
    const status =
      r.agree === null
        ? `not replayed: ${r.kernel.reason}`
        : r.agree
          ? 'agree'
          : `DIFFER (${r.differences.join('; ')})`;
    return `packet ${r.packet}: kernel ${r.kernel.replayed ? outcomeText(r.kernel) : '-'} | simulator ${outcomeText(r.simulator)} | ${status}`;
  });
  io.stdout(
    `${lines.join('\n')}\nkernel and simulator agree on ${agreed} of ${compared.length} replayed packets\n`,
  );
  return code;
}
