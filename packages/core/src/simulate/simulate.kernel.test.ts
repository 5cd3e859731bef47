import { createRouterLab, kernelSkipReason, type RouterLab, run } from '@markwright/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IpRule } from '../ir/types';
import type { PacketResult } from '../reports/types';
import { box, ipRule, labRoutes } from './fixtures';
import { prng, randomBox } from './random-box';
import { simulate } from './simulate';

// Differential proof: random mangle rulesets and fwmark ip rules are loaded into a real router namespace and into
// the simulator; the same UDP flows go through both; the router's final mark, ct mark and egress device must agree.

const reason = kernelSkipReason(['ip', 'nft', 'iptables-restore', 'conntrack']);
if (reason) console.log(`simulate.kernel.test: skipped: ${reason}`);

const SEED = Number(process.env.MW_SIM_SEED ?? 20261127);
const TRIALS = Number(process.env.MW_SIM_TRIALS ?? 60);

/**
 * Records every forwarded client packet at the very end of postrouting: source port, length and marks, in one
 * set per egress device (nft 1.0.6 cannot list an ifname inside a concatenation).
 */
const OBSERVED_DEVICES = ['r1', 'r2', 'r0'] as const;
const OBSERVER = `table ip mwobs {
${OBSERVED_DEVICES.map((d) => `  set seen_${d} {\n    typeof udp sport . udp length . meta mark . ct mark\n    size 65535\n  }\n`).join('')}  chain post {
    type filter hook postrouting priority 10000; policy accept;
${OBSERVED_DEVICES.map((d) => `    iifname "r0" oifname "${d}" meta l4proto udp add @seen_${d} { udp sport . udp length . meta mark . ct mark }\n`).join('')}  }
}
`;

interface Sent {
  readonly sport: number;
  readonly dport: number;
  /** UDP payload length; with the source port it names one packet. */
  readonly payload: number;
}

export interface KernelOutcome {
  readonly verdict: 'accept' | 'drop';
  readonly mark: number;
  readonly ctmark: number;
  readonly oif: string | null;
}

const SENDER = `
const dgram = require('node:dgram');
const list = JSON.parse(process.argv[1]);
const daddr = process.argv[2];
const sockets = new Map();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
(async () => {
  for (const [sport, dport, len] of list) {
    let s = sockets.get(sport);
    if (!s) {
      s = dgram.createSocket('udp4');
      await new Promise((r) => s.bind(sport, r));
      sockets.set(sport, s);
    }
    await new Promise((r) => s.send(Buffer.alloc(len, 0x6d), dport, daddr, r));
    await sleep(3);
  }
  for (const s of sockets.values()) s.close();
})();`;

function observe(lab: RouterLab, sent: readonly Sent[]): KernelOutcome[] {
  run(
    [
      process.execPath,
      '-e',
      SENDER,
      JSON.stringify(sent.map((s) => [s.sport, s.dport, s.payload])),
      lab.farAddress,
    ],
    {
      netns: lab.client.name,
    },
  );
  run(['sleep', '0.05']);
  const seen = new Map<string, KernelOutcome>();
  for (const oif of OBSERVED_DEVICES) {
    const listing = JSON.parse(
      lab.router.exec(['nft', '-j', 'list', 'set', 'ip', 'mwobs', `seen_${oif}`]).stdout,
    );
    for (const item of listing.nftables as Record<string, any>[]) {
      for (const elem of item.set?.elem ?? []) {
        const [sport, len, mark, ctmark] = elem.concat as [number, number, number, number];
        seen.set(`${sport}/${len - 8}`, { verdict: 'accept', mark, ctmark, oif });
      }
    }
  }
  return sent.map(
    (s) => seen.get(`${s.sport}/${s.payload}`) ?? { verdict: 'drop', mark: 0, ctmark: 0, oif: null },
  );
}

/** Flows of 1-3 packets, interleaved; every packet of a flow has its own payload length. */
function flows(seed: number, ports: readonly number[], base: number): Sent[] {
  const r = prng(seed ^ 0x5eed);
  const queues: Sent[][] = [];
  const n = 2 + Math.floor(r() * 3);
  for (let f = 0; f < n; f++) {
    const dport = ports[Math.floor(r() * ports.length)]!;
    const count = 1 + Math.floor(r() * 3);
    queues.push(Array.from({ length: count }, (_, k) => ({ sport: base + f, dport, payload: 10 + k })));
  }
  const out: Sent[] = [];
  while (queues.some((q) => q.length > 0)) {
    const live = queues.filter((q) => q.length > 0);
    out.push(live[Math.floor(r() * live.length)]!.shift()!);
  }
  return out;
}

const agree = (k: KernelOutcome, s: PacketResult): boolean =>
  k.verdict === s.verdict &&
  (k.verdict === 'drop' || (k.mark === s.mark && k.ctmark === s.ctmark && k.oif === s.oif));

describe.skipIf(reason)('simulator agrees with the kernel (router namespace, random mangle rulesets)', () => {
  let lab: RouterLab;
  beforeAll(() => {
    lab = createRouterLab('simdiff');
    lab.router.nft(OBSERVER);
    // Uplinks own the far address but have no listener: keep their ICMP errors off the router.
    for (const u of [lab.uplink1, lab.uplink2]) {
      u.nft(
        'table ip mwquiet {\n  chain out {\n    type filter hook output priority 0; policy accept;\n    icmp type destination-unreachable drop\n  }\n}\n',
      );
    }
  });
  afterAll(() => lab?.destroy());

  it(`agrees on ≥ 99% of packets (seed ${SEED}, ${TRIALS} rulesets)`, () => {
    let total = 0;
    let same = 0;
    const seenKinds = { drop: 0, uplink2: 0, marked: 0, ctmarked: 0, iptables: 0 };
    const differences: string[] = [];
    let installed: IpRule[] = [];
    for (let t = 0; t < TRIALS; t++) {
      const seed = (SEED + t * 7919) >>> 0;
      const rb = randomBox(seed, { iptables: t % 3 === 2 });
      const router = lab.router;
      router.exec(['nft', 'delete', 'table', 'ip', 'mwsim'], { allowFail: true });
      router.exec(['nft', 'delete', 'table', 'ip', 'mangle'], { allowFail: true });
      for (const r of installed) router.exec(['ip', 'rule', 'del', 'pref', String(r.priority)]);
      router.nft(rb.nftScript);
      if (rb.iptablesRestore) router.exec(['iptables-restore'], { input: rb.iptablesRestore });
      for (const args of rb.ipRuleArgs) router.exec(['ip', 'rule', 'add', ...args]);
      installed = rb.ipRules;
      router.exec(['conntrack', '-F'], { allowFail: true });
      for (const d of OBSERVED_DEVICES) router.exec(['nft', 'flush', 'set', 'ip', 'mwobs', `seen_${d}`]);

      const sent = flows(seed, rb.ports, 20000 + (t % 100) * 10);
      const kernel = observe(lab, sent);
      const ipRules = [ipRule(0, 'local'), ...rb.ipRules, ipRule(32766, 'main'), ipRule(32767, 'default')];
      const sim = simulate(
        box(rb.tables, { ipRules, routes: labRoutes() }),
        sent.map((s) => ({
          iif: 'r0',
          saddr: lab.clientAddress,
          daddr: lab.farAddress,
          proto: 'udp',
          sport: s.sport,
          dport: s.dport,
          mark: 0,
        })),
      ).packets;
      if (rb.iptablesRestore) seenKinds.iptables++;
      for (let i = 0; i < sent.length; i++) {
        total++;
        const k = kernel[i]!;
        if (k.verdict === 'drop') seenKinds.drop++;
        if (k.oif === 'r2') seenKinds.uplink2++;
        if (k.mark !== 0) seenKinds.marked++;
        if (k.ctmark !== 0) seenKinds.ctmarked++;
        if (agree(kernel[i]!, sim[i]!)) same++;
        else {
          const s = sim[i]!;
          differences.push(
            `seed ${seed} packet ${i} (sport ${sent[i]!.sport} dport ${sent[i]!.dport}): kernel ${JSON.stringify(kernel[i])} simulator ${JSON.stringify({ verdict: s.verdict, mark: s.mark, ctmark: s.ctmark, oif: s.oif })}\n${rb.nftScript}${rb.iptablesRestore}ip rules: ${JSON.stringify(rb.ipRuleArgs)}`,
          );
        }
      }
    }
    const agreement = same / total;
    console.log(
      `simulator/kernel agreement: ${same}/${total} packets = ${(agreement * 100).toFixed(2)}% (seed ${SEED}, ${TRIALS} rulesets)`,
    );
    console.log(`kernel outcomes: ${JSON.stringify(seenKinds)}`);
    for (const d of differences.slice(0, 5)) console.log(`difference: ${d}`);
    expect(total).toBeGreaterThanOrEqual(100);
    expect(agreement).toBeGreaterThanOrEqual(0.99);
  }, 240_000);
});
