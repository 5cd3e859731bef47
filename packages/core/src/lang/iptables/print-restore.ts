import { InputError } from '../../bits/errors';
import type { Ruleset, Table } from '../../ir/types';
import { emitIptablesRule } from './print-rule';
import { builtinBase, isXtTable } from './tables';

export interface IptablesRestoreOptions {
  /** Which tables to write: iptables-restore takes IPv4 tables, ip6tables-restore IPv6 ones. */
  readonly family?: 4 | 6;
}

const familyOf = (t: Table): 4 | 6 | null => (t.family === 'ip' ? 4 : t.family === 'ip6' ? 6 : null);

/**
 * The ruleset as an iptables-restore file, in the layout iptables-save prints (`*table`, `:CHAIN POLICY [0:0]`,
 * `-A CHAIN ...`, `COMMIT`). Every table must be an xtables table (filter, nat, mangle, raw, security) of one
 * family; pass `family` to pick one when the ruleset has both.
 */
export function emitIptablesRestore(ruleset: Ruleset, options: IptablesRestoreOptions = {}): string {
  const families = new Set(ruleset.tables.map(familyOf));
  if (families.has(null)) {
    const t = ruleset.tables.find((x) => familyOf(x) === null)!;
    throw new InputError(
      `tables.${t.name}`,
      t.family,
      'only ip and ip6 tables can be written for iptables-restore',
    );
  }
  if (!options.family && families.size > 1) {
    throw new InputError(
      'family',
      [...families],
      'the ruleset has IPv4 and IPv6 tables: choose one (iptables-restore or ip6tables-restore)',
    );
  }
  const out: string[] = [];
  for (const table of ruleset.tables) {
    const family = familyOf(table)!;
    if (options.family && family !== options.family) continue;
    if (!isXtTable(table.name)) {
      throw new InputError(
        `tables.${table.name}`,
        table.name,
        'is not an xtables table (filter, nat, mangle, raw, security)',
      );
    }
    out.push(`*${table.name}`);
    for (const chain of table.chains) {
      const builtin = builtinBase(table.name, chain.name);
      const policy = builtin ? (chain.base?.policy === 'drop' ? 'DROP' : 'ACCEPT') : '-';
      out.push(`:${chain.name} ${policy} [0:0]`);
    }
    for (const chain of table.chains) {
      chain.rules.forEach((rule, i) => {
        const where = `${table.name} ${chain.name} #${i + 1}`;
        out.push(`-A ${chain.name} ${emitIptablesRule(rule, { family, where })}`.trimEnd());
      });
    }
    out.push('COMMIT');
  }
  return out.length ? `${out.join('\n')}\n` : '';
}
