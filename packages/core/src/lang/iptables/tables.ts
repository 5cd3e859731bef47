import type { BaseChainSpec, ChainType, Hook } from '../../ir/types';
import type { XtRule } from './xt-rule';

// The xtables tables and their built-in chains, as iptables-nft registers them (nft_chain_builtin_init):
// hook, priority and chain type of each built-in chain.

export const XT_TABLES = ['filter', 'nat', 'mangle', 'raw', 'security'] as const;
export type XtTableName = (typeof XT_TABLES)[number];

const HOOK_ORDER: readonly Hook[] = ['prerouting', 'input', 'forward', 'output', 'postrouting'];

const TABLE_HOOKS: Readonly<Record<XtTableName, readonly Hook[]>> = {
  filter: ['input', 'forward', 'output'],
  nat: ['prerouting', 'input', 'output', 'postrouting'],
  mangle: HOOK_ORDER,
  raw: ['prerouting', 'output'],
  security: ['input', 'forward', 'output'],
};

export const isXtTable = (name: string): name is XtTableName =>
  (XT_TABLES as readonly string[]).includes(name);

function priorityOf(table: XtTableName, hook: Hook): number {
  switch (table) {
    case 'raw':
      return -300;
    case 'mangle':
      return -150;
    case 'nat':
      return hook === 'prerouting' || hook === 'output' ? -100 : 100;
    case 'filter':
      return 0;
    case 'security':
      return 50;
  }
}

function typeOf(table: XtTableName, hook: Hook): ChainType {
  if (table === 'nat') return 'nat';
  if (table === 'mangle' && hook === 'output') return 'route';
  return 'filter';
}

/** Built-in chain names of a table in the order iptables-save lists them (`PREROUTING`, `INPUT`, ...). */
export const builtinChains = (table: XtTableName): string[] => TABLE_HOOKS[table].map((h) => h.toUpperCase());

/** The base-chain spec of a built-in chain, or undefined for a user chain. */
export function builtinBase(
  table: XtTableName,
  chain: string,
  policy: 'accept' | 'drop' = 'accept',
): BaseChainSpec | undefined {
  const hook = chain.toLowerCase() as Hook;
  if (chain !== chain.toUpperCase() || !TABLE_HOOKS[table].includes(hook)) return undefined;
  return { type: typeOf(table, hook), hook, priority: priorityOf(table, hook), policy };
}

/** Targets the kernel accepts only in some tables (their xt_target `.table`). */
const TARGET_TABLES: Readonly<Record<string, readonly string[]>> = {
  SECMARK: ['mangle', 'security'],
  CONNSECMARK: ['mangle', 'security'],
  SNAT: ['nat'],
  DNAT: ['nat'],
  MASQUERADE: ['nat'],
  REDIRECT: ['nat'],
  NETMAP: ['nat'],
  TPROXY: ['mangle'],
  CT: ['raw'],
  NOTRACK: ['raw'],
};

/** Why the kernel would refuse this rule in this table, or null. */
export function tableRestriction(rule: XtRule, table: string): string | null {
  const t = rule.target;
  if (t?.kind !== 'module') return null;
  const allowed = TARGET_TABLES[t.module.name];
  if (allowed && !allowed.includes(table)) {
    return `${t.module.name} is only valid in the ${allowed.map((a) => `'${a}'`).join(' or ')} table`;
  }
  return null;
}
