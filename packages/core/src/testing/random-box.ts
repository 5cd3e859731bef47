import { constantWrite, sourcedWrite } from '../bits/algebra';
import { hex } from '../bits/u32';
import type { Chain, IpRule, Match, Rule, RuleExpr, Statement, Table } from '../ir/types';
import { baseChain, userChain } from './ir-builders';

// Random mangle rulesets written twice, as kernel input (nft script, iptables-restore text, ip rule argv) and as IR,
// so the same box can be loaded into a namespace and into the simulator and the two compared packet by packet.

/** Small seeded PRNG (mulberry32): a printed seed reproduces a run exactly. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface RandomBox {
  readonly tables: Table[];
  readonly nftScript: string;
  /** iptables-restore (ip6tables-restore for family 6) input for the mangle table, or '' when there is none. */
  readonly iptablesRestore: string;
  readonly ipRules: IpRule[];
  /** `ip rule add ...` arguments (after `ip rule add`), one array per rule. */
  readonly ipRuleArgs: string[][];
  /** Destination ports the rules look at; packets should use them. */
  readonly ports: readonly number[];
}

const PORTS = [53, 80, 443, 5000];
// Marks live in the low byte and bits 8..11 so random values collide often enough to exercise matches.
const MASKS = [0x1, 0x2, 0x3, 0xf, 0xf0, 0xff, 0xf00, 0xfff, 0xffffffff];

class Gen {
  constructor(
    private readonly r: () => number,
    readonly family: 4 | 6 = 4,
  ) {}
  int = (n: number): number => Math.floor(this.r() * n);
  pick = <T>(xs: readonly T[]): T => xs[this.int(xs.length)]!;
  chance = (p: number): boolean => this.r() < p;
  mask = (): number => this.pick(MASKS);
  valueUnder = (mask: number): number => (this.int(0x1000) & mask) >>> 0;
}

interface Both {
  readonly nft: string;
  readonly ipt: string | null;
  readonly ir: RuleExpr[];
}

function markMatch(g: Gen, space: 'meta' | 'ct'): Both {
  const mask = g.mask();
  const value = g.valueUnder(mask);
  const invert = g.chance(0.25);
  const m: Match = {
    kind: 'mark',
    key: { space, mask, shift: 0 },
    values: { kind: 'ranges', ranges: [[value, value]] },
    invert,
  };
  const lhs = mask === 0xffffffff ? `${space} mark` : `${space} mark & ${hex(mask)}`;
  const ipt = `-m ${space === 'meta' ? 'mark' : 'connmark'} ${invert ? '! ' : ''}--mark ${hex(value)}/${hex(mask)}`;
  return { nft: `${lhs} ${invert ? '!=' : '=='} ${hex(value)}`, ipt, ir: [m] };
}

/** Addresses of testkit's lab: the client and its subnet, the far address and a prefix holding it. */
const LAB_ADDRESSES: Readonly<Record<4 | 6, readonly (readonly ['src' | 'dst', string])[]>> = {
  4: [
    ['src', '10.70.0.0/24'],
    ['src', '203.0.113.7'],
    ['dst', '203.0.113.0/24'],
    ['dst', '10.70.0.2'],
  ],
  6: [
    ['src', 'fd70::/64'],
    ['src', '2001:db8:ff::7'],
    ['dst', '2001:db8:ff::/48'],
    ['dst', 'fd70::2'],
  ],
} as const;

/** Interface and address tests: the lab's client is on r0, replies come from the far address on r1/r2. */
function pathMatch(g: Gen): Both {
  const invert = g.chance(0.25);
  if (g.chance(0.5)) {
    const dev = g.pick(['r0', 'r1', 'r2'] as const);
    return {
      nft: `iifname ${invert ? '!= ' : ''}"${dev}"`,
      ipt: `${invert ? '! ' : ''}-i ${dev}`,
      ir: [{ kind: 'iface', dir: 'in', names: [dev], invert }],
    };
  }
  const [dir, text] = g.pick(LAB_ADDRESSES[g.family]);
  const [address, prefix] = text.split('/');
  const host = g.family === 4 ? 32 : 128;
  const cidr = { family: g.family, address: address!, prefix: prefix === undefined ? host : Number(prefix) };
  return {
    nft: `${g.family === 4 ? 'ip' : 'ip6'} ${dir === 'src' ? 'saddr' : 'daddr'} ${invert ? '!= ' : ''}${text}`,
    ipt: `${invert ? '! ' : ''}-${dir === 'src' ? 's' : 'd'} ${prefix === undefined ? `${text}/${host}` : text}`,
    ir: [{ kind: 'addr', dir, set: { kind: 'cidrs', cidrs: [cidr] }, invert }],
  };
}

function match(g: Gen, setName: string | null): Both {
  if (g.chance(0.2)) return pathMatch(g);
  const k = g.int(setName ? 6 : 5);
  if (k === 0 || k === 1) return markMatch(g, 'meta');
  if (k === 2) return markMatch(g, 'ct');
  if (k === 3) {
    const state = g.pick(['new', 'established'] as const);
    return {
      nft: `ct state ${state}`,
      ipt: `-m conntrack --ctstate ${state.toUpperCase()}`,
      ir: [{ kind: 'ctstate', states: [state], invert: false }],
    };
  }
  if (k === 4) {
    const ports = [...new Set([g.pick(PORTS), g.pick(PORTS)])].sort((a, b) => a - b);
    return {
      nft: ports.length === 1 ? `udp dport ${ports[0]}` : `udp dport { ${ports.join(', ')} }`,
      ipt:
        ports.length === 1
          ? `-p udp -m udp --dport ${ports[0]}`
          : `-p udp -m multiport --dports ${ports.join(',')}`,
      ir: [
        { kind: 'l4proto', protos: [17], invert: false },
        {
          kind: 'port',
          dir: 'dst',
          proto: 17,
          values: { kind: 'ranges', ranges: ports.map((p) => [p, p] as const) },
          invert: false,
        },
      ],
    };
  }
  return {
    nft: `meta mark & 0xff @${setName}`,
    ipt: null,
    ir: [
      {
        kind: 'mark',
        key: { space: 'meta', mask: 0xff, shift: 0 },
        values: { kind: 'setRef', name: setName! },
        invert: false,
      },
    ],
  };
}

function action(g: Gen, userChain: string | null): Both {
  const k = g.int(userChain ? 8 : 7);
  const ws = (s: Statement): RuleExpr[] => [s];
  if (k <= 1) {
    const space = g.pick(['meta', 'ct'] as const);
    const mask = g.mask();
    const value = g.valueUnder(0xfff);
    const w = constantWrite(space, ~mask >>> 0, value);
    const target = space === 'meta' ? 'MARK' : 'CONNMARK';
    const nft =
      mask === 0xffffffff
        ? `${space} mark set ${hex(value)}`
        : `${space} mark set ${space} mark & ${hex(~mask >>> 0)} ^ ${hex(value)}`;
    return {
      nft,
      ipt: `-j ${target} --set-xmark ${hex(value)}/${hex(mask)}`,
      ir: ws({ kind: 'markWrite', write: w }),
    };
  }
  if (k === 2 || k === 3) {
    // CONNMARK save (k=2) or restore (k=3) with one mask: iptables keeps the other bits, nft's form overwrites.
    const mask = g.mask();
    const save = k === 2;
    if (g.chance(0.5)) {
      const w = save
        ? sourcedWrite('ct', ~mask >>> 0, { space: 'meta', take: mask, shift: 0 })
        : sourcedWrite('meta', ~mask >>> 0, { space: 'ct', take: mask, shift: 0 });
      return {
        nft: '',
        ipt: `-j CONNMARK --${save ? 'save' : 'restore'}-mark --nfmask ${hex(mask)} --ctmask ${hex(mask)}`,
        ir: ws({ kind: 'markWrite', write: w }),
      };
    }
    // nft's own save/restore overwrites the destination; sometimes shifted (`ct mark set (meta mark & M) << 8`).
    const shift = g.chance(0.35) ? g.pick([4, 8]) : 0;
    const signed = save ? shift : -shift;
    const w = save
      ? sourcedWrite('ct', 0, { space: 'meta', take: mask, shift: signed })
      : sourcedWrite('meta', 0, { space: 'ct', take: mask, shift: signed });
    const src = save ? 'meta mark' : 'ct mark';
    let value = mask === 0xffffffff ? src : `${src} & ${hex(mask)}`;
    if (shift !== 0) value = `(${value}) ${save ? '<<' : '>>'} ${shift}`;
    return {
      nft: `${save ? 'ct' : 'meta'} mark set ${value}`,
      ipt: null,
      ir: ws({ kind: 'markWrite', write: w }),
    };
  }
  if (k === 4) {
    const entries = PORTS.filter(() => g.chance(0.5)).map((p) => ({
      key: [p, p] as const,
      value: g.valueUnder(0xfff),
    }));
    if (entries.length === 0) entries.push({ key: [53, 53], value: 0x35 });
    return {
      nft: `meta mark set udp dport map { ${entries.map((e) => `${e.key[0]} : ${hex(e.value)}`).join(', ')} }`,
      ipt: null,
      ir: ws({
        kind: 'markMap',
        dst: 'meta',
        key: { kind: 'port', dir: 'dst', proto: 17 },
        map: { kind: 'elements', entries },
      }),
    };
  }
  if (k === 5)
    return { nft: 'accept', ipt: '-j ACCEPT', ir: ws({ kind: 'verdict', verdict: { kind: 'accept' } }) };
  if (k === 6) {
    return g.chance(0.3)
      ? { nft: 'drop', ipt: '-j DROP', ir: ws({ kind: 'verdict', verdict: { kind: 'drop' } }) }
      : { nft: 'return', ipt: '-j RETURN', ir: ws({ kind: 'verdict', verdict: { kind: 'return' } }) };
  }
  return {
    nft: `jump ${userChain}`,
    ipt: `-j ${userChain}`,
    ir: ws({ kind: 'verdict', verdict: { kind: 'jump', target: userChain! } }),
  };
}

function rules(
  g: Gen,
  n: number,
  setName: string | null,
  sub: string | null,
  forIptables: boolean,
): { text: string[]; ir: Rule[] } {
  const text: string[] = [];
  const ir: Rule[] = [];
  while (ir.length < n) {
    const parts: Both[] = [];
    for (let m = g.int(3); m > 0; m--) parts.push(match(g, forIptables ? null : setName));
    parts.push(action(g, sub));
    const words = parts.map((p) => (forIptables ? p.ipt : p.nft));
    if (words.some((w) => w === null || w === '')) continue;
    // iptables takes one -p, -i, -s and -d per rule.
    const once = (flag: string) => words.filter((w) => w!.replace(/^! /, '').startsWith(flag)).length > 1;
    if (forIptables && (once('-p ') || once('-i ') || once('-s ') || once('-d '))) continue;
    text.push(words.join(' '));
    ir.push({ exprs: parts.flatMap((p) => p.ir) });
  }
  return { text, ir };
}

export interface RandomBoxOptions {
  /** Add an iptables (ip6tables for family 6) mangle table beside the nft one. */
  readonly iptables?: boolean;
  readonly tableName?: string;
  /** Address family of the packets the box is for: its addresses, iptables flavour and ip rules. Default 4. */
  readonly family?: 4 | 6;
  /** Family of the nft table: `ip`/`ip6` for the address family (the default), or `inet` for both. */
  readonly nftFamily?: 'ip' | 'ip6' | 'inet';
}

/** A random box: an nft table (optionally with an iptables mangle table beside it) and fwmark ip rules. */
export function randomBox(seed: number, options: RandomBoxOptions = {}): RandomBox {
  const family = options.family ?? 4;
  const g = new Gen(prng(seed), family);
  const name = options.tableName ?? 'mwsim';
  const nftFamily = options.nftFamily ?? (family === 4 ? 'ip' : 'ip6');
  const setElems = [...new Set([g.valueUnder(0xff), g.valueUnder(0xff), g.valueUnder(0xff)])].sort(
    (a, b) => a - b,
  );
  const prePriority = g.pick([-300, -150, -150, -100, 0]);
  const pre = rules(g, 1 + g.int(5), 'marks', 'mw_sub', false);
  const sub = rules(g, g.int(3), 'marks', null, false);
  const fwd = rules(g, g.int(3), 'marks', null, false);
  const post = rules(g, g.int(2), 'marks', null, false);
  const chains: Chain[] = [
    baseChain('mw_pre', 'prerouting', prePriority, pre.ir),
    userChain('mw_sub', sub.ir),
    baseChain('mw_fwd', 'forward', 0, fwd.ir),
    baseChain('mw_post', 'postrouting', 0, post.ir),
  ];
  const nftChain = (cname: string, head: string | null, body: string[]) =>
    `  chain ${cname} {\n${head ? `    ${head}\n` : ''}${body.map((l) => `    ${l}\n`).join('')}  }\n`;
  const nftScript =
    `table ${nftFamily} ${name} {\n` +
    `  set marks {\n    type mark\n    elements = { ${setElems.map(hex).join(', ')} }\n  }\n` +
    nftChain('mw_sub', null, sub.text) +
    nftChain('mw_pre', `type filter hook prerouting priority ${prePriority}; policy accept;`, pre.text) +
    nftChain('mw_fwd', 'type filter hook forward priority 0; policy accept;', fwd.text) +
    nftChain('mw_post', 'type filter hook postrouting priority 0; policy accept;', post.text) +
    '}\n';
  const tables: Table[] = [
    {
      family: nftFamily,
      name,
      origin: 'nft',
      chains,
      sets: [
        {
          name: 'marks',
          type: 'mark',
          isMap: false,
          flags: [],
          elements: setElems.map((v) => ({ kind: 'range' as const, range: [v, v] as const })),
        },
      ],
      secmarks: [],
    },
  ];

  let iptablesRestore = '';
  if (options.iptables) {
    const mpre = rules(g, 1 + g.int(4), null, 'MWSUB', true);
    const msub = rules(g, g.int(3), null, null, true);
    const mfwd = rules(g, g.int(2), null, null, true);
    iptablesRestore =
      '*mangle\n:PREROUTING ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:MWSUB - [0:0]\n' +
      [
        ...mpre.text.map((t) => `-A PREROUTING ${t}`),
        ...msub.text.map((t) => `-A MWSUB ${t}`),
        ...mfwd.text.map((t) => `-A FORWARD ${t}`),
      ].join('\n') +
      '\nCOMMIT\n';
    // iptables' table is registered when first loaded; our nft table existed before, so at equal
    // priority the nft chain runs first.
    tables.push({
      family: family === 4 ? 'ip' : 'ip6',
      name: 'mangle',
      origin: 'iptables',
      chains: [
        baseChain('PREROUTING', 'prerouting', -150, mpre.ir),
        userChain('MWSUB', msub.ir),
        baseChain('FORWARD', 'forward', -150, mfwd.ir),
      ],
      sets: [],
      secmarks: [],
    });
  }

  const ipRules: IpRule[] = [];
  const ipRuleArgs: string[][] = [];
  const prefs = [...new Set([100 + g.int(50), 150 + g.int(50), 200 + g.int(50)])].slice(0, g.int(4));
  prefs.sort((a, b) => a - b);
  prefs.forEach((pref, n) => {
    const mask = g.mask();
    const value = g.valueUnder(mask);
    const not = g.chance(0.2);
    const iif = g.chance(0.25) ? g.pick(['r0', 'r1', 'r2'] as const) : null;
    const later = prefs[n + 1];
    const kind = g.pick(['100', '100', '100', 'main', 'blackhole', 'goto'] as const);
    const action: IpRule['action'] =
      kind === 'blackhole'
        ? { kind: 'blackhole' }
        : kind === 'goto'
          ? { kind: 'goto', priority: later ?? 32766 }
          : { kind: 'table', table: kind };
    // `suppress_prefixlength 0` turns a default-route answer into "keep looking".
    const suppress = action.kind === 'table' && g.chance(0.3) ? 0 : undefined;
    ipRules.push({
      family,
      priority: pref,
      not,
      fwmark: { value, mask },
      ...(iif ? { iif } : {}),
      action,
      ...(suppress !== undefined ? { suppressPrefixlength: suppress } : {}),
    });
    ipRuleArgs.push([
      'pref',
      String(pref),
      ...(not ? ['not'] : []),
      'fwmark',
      `${hex(value)}/${hex(mask)}`,
      ...(iif ? ['iif', iif] : []),
      ...(action.kind === 'blackhole'
        ? ['blackhole']
        : action.kind === 'goto'
          ? ['goto', String(action.priority)]
          : ['table', kind]),
      ...(suppress !== undefined ? ['suppress_prefixlength', '0'] : []),
    ]);
  });
  return { tables, nftScript, iptablesRestore, ipRules, ipRuleArgs, ports: PORTS };
}
