// A large real box: whole-process `markwright parse` of a 50,000-rule kube-proxy-style iptables-save against
// `iptables-restore --test` of the same file, the 5,000-rule TUM file likewise, `node -e 0` beside them, and
// a probe of a namespace loaded with the 50,000 rules against dumping it (iptables-save + nft -j). All figures
// are medians of runs in this one process; ratios are against baselines measured here. No assertions.
// Beside each wall time, the CPU time it took (user + system, children included): on a shared machine the
// wall time follows the load, the CPU time much less.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createSystemRunner, DEFAULT_OWNERSHIP, probe } from '@markwright/host';
import { kernelSkipReason, Netns } from '@markwright/testkit';

const ROOT = resolve(import.meta.dirname, '..');
const TUM = resolve(ROOT, '../shared/corpus/real/diekmann__tum_net_2015-09-03.iptables-save');
const CLI_DIR = resolve(ROOT, 'apps/cli');
const BUNDLE = resolve(CLI_DIR, 'dist/markwright.mjs');
const RUNS = Number(process.env.MW_BENCH_RUNS ?? 7);
const TARGET_RULES = 50_000;

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** Wall and CPU milliseconds of one run. */
interface Timing {
  readonly ms: number;
  readonly cpuMs: number;
}

const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** CPU milliseconds of this process's waited-for children (cutime + cstime of /proc/self/stat). */
function childrenCpuMs(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / CLOCK_TICKS;
}

/** CPU milliseconds of this process itself. */
function ownCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function timeProcess(argv: readonly string[]): Timing {
  const c0 = childrenCpuMs();
  const t0 = performance.now();
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  const ms = performance.now() - t0;
  if (r.status !== 0)
    throw new Error(`${argv.join(' ')} exited ${r.status}: ${(r.stderr ?? '').slice(0, 300)}`);
  return { ms, cpuMs: childrenCpuMs() - c0 };
}

const sum = (a: Timing, b: Timing): Timing => ({ ms: a.ms + b.ms, cpuMs: a.cpuMs + b.cpuMs });

async function medianOf(label: string, fn: () => Timing | Promise<Timing>, runs = RUNS): Promise<Timing> {
  await fn();
  const times: Timing[] = [];
  for (let i = 0; i < runs; i++) times.push(await fn());
  const m = median(times.map((t) => t.ms));
  const cpu = median(times.map((t) => t.cpuMs));
  const walls = times.map((t) => t.ms);
  console.log(
    `${label.padEnd(62)} median ${m.toFixed(1).padStart(9)} ms  (min ${Math.min(...walls).toFixed(1)}, max ${Math.max(...walls).toFixed(1)}, n=${runs}); CPU ${(cpu / 1000).toFixed(3)} s`,
  );
  return { ms: m, cpuMs: cpu };
}

/** `wall ratio (CPU ratio)` of a measurement against its baseline. */
const ratio = (a: Timing, b: Timing): string =>
  `${(a.ms / b.ms).toFixed(3)} wall, ${(a.cpuMs / b.cpuMs).toFixed(3)} CPU`;

/** A kube-proxy node's nat and filter tables with `services` services of two endpoints each (as kube-proxy writes them). */
export function kubeProxyRuleset(services: number): string {
  const nat: string[] = [];
  const chains: string[] = [
    ':KUBE-SERVICES - [0:0]',
    ':KUBE-NODEPORTS - [0:0]',
    ':KUBE-POSTROUTING - [0:0]',
    ':KUBE-MARK-MASQ - [0:0]',
  ];
  nat.push(
    '-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
    '-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
    '-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING',
    '-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN',
    '-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000',
    '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully',
    '-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000',
  );
  for (let i = 0; i < services; i++) {
    const id = i.toString(36).toUpperCase().padStart(16, 'S');
    const ip = `10.${96 + ((i >> 16) & 0xff)}.${(i >> 8) & 0xff}.${i & 0xff}`;
    const svc = `KUBE-SVC-${id}`;
    const seps = [0, 1].map((k) => `KUBE-SEP-${id.slice(0, 15)}${k}`);
    chains.push(`:${svc} - [0:0]`, ...seps.map((s) => `:${s} - [0:0]`));
    nat.push(
      `-A KUBE-SERVICES -d ${ip}/32 -p tcp -m comment --comment "ns/svc${i}:http cluster IP" -m tcp --dport 80 -j ${svc}`,
      `-A ${svc} ! -s 10.244.0.0/16 -d ${ip}/32 -p tcp -m comment --comment "ns/svc${i}:http cluster IP" -m tcp --dport 80 -j KUBE-MARK-MASQ`,
      `-A ${svc} -m comment --comment "ns/svc${i}:http -> a" -m statistic --mode random --probability 0.50000000000 -j ${seps[0]}`,
      `-A ${svc} -m comment --comment "ns/svc${i}:http -> b" -j ${seps[1]}`,
    );
    seps.forEach((sep, k) => {
      const pod = `10.244.${(i >> 7) & 0xff}.${((i & 0x7f) << 1) + k}`;
      nat.push(
        `-A ${sep} -s ${pod}/32 -m comment --comment "ns/svc${i}:http" -j KUBE-MARK-MASQ`,
        `-A ${sep} -p tcp -m comment --comment "ns/svc${i}:http" -m tcp -j DNAT --to-destination ${pod}:8080`,
      );
    });
  }
  nat.push(
    '-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS',
  );
  const filter = [
    '*filter',
    ':INPUT ACCEPT [0:0]',
    ':FORWARD ACCEPT [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    ':KUBE-FORWARD - [0:0]',
    '-A FORWARD -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD',
    '-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP',
    '-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT',
    '-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
    'COMMIT',
  ];
  return [
    '*nat',
    ':PREROUTING ACCEPT [0:0]',
    ':INPUT ACCEPT [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    ':POSTROUTING ACCEPT [0:0]',
    ...chains,
    ...nat,
    'COMMIT',
    ...filter,
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'mw-box-bench-'));
  try {
    const built = spawnSync(process.execPath, ['build.mjs'], { cwd: CLI_DIR, encoding: 'utf8' });
    if (built.status !== 0) throw new Error(`CLI build failed: ${built.stderr}`);
    const big = kubeProxyRuleset(Math.ceil((TARGET_RULES - 11) / 8));
    const bigFile = join(work, 'kube-50k.iptables-save');
    writeFileSync(bigFile, big);
    const bigRules = big.split('\n').filter((l) => l.startsWith('-A ')).length;
    console.log(`kube-proxy-style ruleset: ${bigRules} rules; ${RUNS} runs each`);
    console.log(
      `load average at start: ${loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')} (wall time)`,
    );

    const node = await medianOf('node -e 0', () => timeProcess([process.execPath, '-e', '0']));
    const ours = await medianOf('markwright parse 50k (whole process)', () =>
      timeProcess([process.execPath, BUNDLE, 'parse', bigFile]),
    );
    let tumFile: string | null = null;
    let tumOurs: Timing = { ms: 0, cpuMs: 0 };
    if (existsSync(TUM)) {
      let n = 0;
      const tum = readFileSync(TUM, 'utf8').replace(/XX:XX:XX:XX:XX:XX/g, () => {
        n++;
        return `02:00:00:00:${((n >> 8) & 0xff).toString(16).padStart(2, '0')}:${(n & 0xff).toString(16).padStart(2, '0')}`;
      });
      tumFile = join(work, 'tum.iptables-save');
      writeFileSync(tumFile, tum);
      tumOurs = await medianOf('markwright parse TUM 5k (whole process)', () =>
        timeProcess([process.execPath, BUNDLE, 'parse', tumFile!]),
      );
    }
    const skip = kernelSkipReason(['ip', 'iptables-restore', 'iptables-save', 'nft']);
    if (skip) {
      console.log(`baselines and probe skipped: ${skip}`);
      return;
    }
    const ns = Netns.create('boxbench');
    try {
      const base = await medianOf('iptables-restore --test 50k (private namespace)', () =>
        timeProcess(['ip', 'netns', 'exec', ns.name, 'iptables-restore', '--test', bigFile]),
      );
      console.log(
        `ratio markwright parse / iptables-restore --test, 50k: ${ratio(ours, base)} (target <= 1.0)`,
      );
      console.log(`ratio node -e 0 / iptables-restore --test, 50k: ${ratio(node, base)}`);
      if (tumFile) {
        const tumBase = await medianOf('iptables-restore --test TUM (private namespace)', () =>
          timeProcess(['ip', 'netns', 'exec', ns.name, 'iptables-restore', '--test', tumFile!]),
        );
        console.log(
          `ratio markwright parse / iptables-restore --test, TUM: ${ratio(tumOurs, tumBase)} (target <= 2.0)`,
        );
      }
      ns.exec(['iptables-restore'], { input: big });
      const runner = createSystemRunner({ kind: 'netns', name: ns.name });
      const dump = await medianOf(
        'iptables-save + nft -j list ruleset of the 50k namespace',
        () =>
          sum(
            timeProcess(['ip', 'netns', 'exec', ns.name, 'iptables-save']),
            timeProcess(['ip', 'netns', 'exec', ns.name, 'nft', '-j', 'list', 'ruleset']),
          ),
        3,
      );
      const probed = await medianOf(
        'probe of the 50k namespace (in-process)',
        async () => {
          const c0 = ownCpuMs() + childrenCpuMs();
          const t0 = performance.now();
          await probe(runner, DEFAULT_OWNERSHIP);
          return { ms: performance.now() - t0, cpuMs: ownCpuMs() + childrenCpuMs() - c0 };
        },
        3,
      );
      console.log(
        `probe 50k: ${(probed.ms / 1000).toFixed(2)} s wall, ${(probed.cpuMs / 1000).toFixed(2)} s CPU (target <= 2 s); ratio probe / dumps: ${ratio(probed, dump)}`,
      );
    } finally {
      ns.destroy();
    }
  } finally {
    console.log(
      `load average at end: ${loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}`,
    );
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
