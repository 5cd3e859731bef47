import { constantWrite, sourcedWrite } from '../bits/algebra';
import type { MarkSpace, MarkWrite } from '../bits/algebra-types';
import type {
  BaseChainSpec,
  BoxConfig,
  Chain,
  ChainType,
  Cidr,
  Family,
  Hook,
  IpRule,
  Match,
  Route,
  Rule,
  RuleExpr,
  Table,
  TableOrigin,
  Verdict,
} from '../ir/types';

// Small constructors for hand-built IR: used by the simulator's tests, its benchmark and its kernel checks.

export const cidr = (text: string): Cidr => {
  const [address, prefix] = text.split('/');
  const family = address!.includes(':') ? 6 : 4;
  return {
    family,
    address: address!,
    prefix: prefix === undefined ? (family === 4 ? 32 : 128) : Number(prefix),
  };
};

export const markIs = (space: MarkSpace, value: number, mask = 0xffffffff, invert = false): Match => ({
  kind: 'mark',
  key: { space, mask, shift: 0 },
  values: { kind: 'ranges', ranges: [[value, value]] },
  invert,
});

export const markInSet = (space: MarkSpace, mask: number, set: string, invert = false): Match => ({
  kind: 'mark',
  key: { space, mask, shift: 0 },
  values: { kind: 'setRef', name: set },
  invert,
});

export const verdict = (v: Verdict): RuleExpr => ({ kind: 'verdict', verdict: v });
export const accept = verdict({ kind: 'accept' });
export const drop = verdict({ kind: 'drop' });
export const jump = (target: string): RuleExpr => verdict({ kind: 'jump', target });
export const gotoChain = (target: string): RuleExpr => verdict({ kind: 'goto', target });
export const ret = verdict({ kind: 'return' });

export const write = (w: MarkWrite): RuleExpr => ({ kind: 'markWrite', write: w });
/** `meta mark set (mark & ~mask) ^ value` (xt `--set-xmark value/mask`). */
export const setXmark = (space: MarkSpace, value: number, mask = 0xffffffff): RuleExpr =>
  write(constantWrite(space, ~mask >>> 0, value));
/** CONNMARK --save-mark --nfmask nf --ctmask ct. */
export const saveMark = (nfmask = 0xffffffff, ctmask = 0xffffffff): RuleExpr =>
  write(sourcedWrite('ct', ~ctmask >>> 0, { space: 'meta', take: nfmask, shift: 0 }));
/** CONNMARK --restore-mark --nfmask nf --ctmask ct. */
export const restoreMark = (nfmask = 0xffffffff, ctmask = 0xffffffff): RuleExpr =>
  write(sourcedWrite('meta', ~nfmask >>> 0, { space: 'ct', take: ctmask, shift: 0 }));

export const rule = (...exprs: RuleExpr[]): Rule => ({ exprs });

export const baseChain = (
  name: string,
  hook: Hook,
  priority: number,
  rules: Rule[],
  opts: { type?: ChainType; policy?: 'accept' | 'drop' } = {},
): Chain => {
  const base: BaseChainSpec = {
    type: opts.type ?? 'filter',
    hook,
    priority,
    policy: opts.policy ?? 'accept',
  };
  return { name, base, rules };
};

export const userChain = (name: string, rules: Rule[]): Chain => ({ name, rules });

export const table = (
  name: string,
  chains: Chain[],
  opts: { family?: Family; origin?: TableOrigin; sets?: Table['sets']; secmarks?: Table['secmarks'] } = {},
): Table => ({
  family: opts.family ?? 'ip',
  name,
  origin: opts.origin ?? 'nft',
  chains,
  sets: opts.sets ?? [],
  secmarks: opts.secmarks ?? [],
});

export const route = (tableName: string, dst: string, dev: string, extra: Partial<Route> = {}): Route => ({
  family: dst.includes(':') ? 6 : 4,
  table: tableName,
  type: 'unicast',
  dst: cidr(dst),
  dev,
  ...extra,
});

export const localRoute = (address: string, dev: string): Route => ({
  family: address.includes(':') ? 6 : 4,
  table: 'local',
  type: 'local',
  dst: cidr(address),
  dev,
});

export const ipRule = (priority: number, table: string, extra: Partial<IpRule> = {}): IpRule => ({
  family: 4,
  priority,
  not: false,
  action: { kind: 'table', table },
  ...extra,
});

/** The router of testkit's lab: r0 to the client, r1 (main default) and r2 (table 100 default). */
export const labRoutes = (): Route[] => [
  localRoute('10.70.0.1', 'r0'),
  localRoute('192.0.2.1', 'r1'),
  localRoute('198.51.100.1', 'r2'),
  localRoute('127.0.0.1', 'lo'),
  route('main', '10.70.0.0/24', 'r0', { scope: 'link', prefsrc: '10.70.0.1' }),
  route('main', '192.0.2.0/24', 'r1', { scope: 'link', prefsrc: '192.0.2.1' }),
  route('main', '198.51.100.0/24', 'r2', { scope: 'link', prefsrc: '198.51.100.1' }),
  route('main', '0.0.0.0/0', 'r1', { gateway: '192.0.2.2' }),
  route('100', '0.0.0.0/0', 'r2', { gateway: '198.51.100.2' }),
];

/** The same router in IPv6 (testkit's lab made with `ipv6`): fd70::/64 on r0, 2001:db8:1::/64 and 2001:db8:2::/64. */
export const labRoutes6 = (): Route[] => [
  localRoute('fd70::1', 'r0'),
  localRoute('2001:db8:1::1', 'r1'),
  localRoute('2001:db8:2::1', 'r2'),
  localRoute('::1', 'lo'),
  route('main', 'fd70::/64', 'r0'),
  route('main', '2001:db8:1::/64', 'r1'),
  route('main', '2001:db8:2::/64', 'r2'),
  route('main', '::/0', 'r1', { gateway: '2001:db8:1::2' }),
  route('100', '::/0', 'r2', { gateway: '2001:db8:2::2' }),
];

export const defaultIpRules = (): IpRule[] => [
  ipRule(0, 'local'),
  ipRule(32766, 'main'),
  ipRule(32767, 'default'),
];

export const box = (tables: Table[], extra: Partial<BoxConfig> = {}): BoxConfig => ({
  ruleset: { tables },
  ipRules: extra.ipRules ?? defaultIpRules(),
  routes: extra.routes ?? labRoutes(),
  tcFilters: extra.tcFilters ?? [],
});

/** A forwarded UDP packet from the lab's client to the far address. */
export const labPacket = (extra: Record<string, unknown> = {}) => ({
  iif: 'r0',
  saddr: '10.70.0.2',
  daddr: '203.0.113.7',
  proto: 'udp' as const,
  sport: 40000,
  dport: 53,
  mark: 0,
  ...extra,
});
