import type {
  BaseChainSpec,
  Chain,
  Family,
  NamedSet,
  Rule,
  Ruleset,
  SecmarkObject,
  Table,
  TableObject,
} from '../../ir/types';
import { ChainOrder } from './chain-order';

// Collects tables, chains, sets and rules in input order, merging repeated declarations as nft does.

export interface ChainB {
  name: string;
  base?: BaseChainSpec;
  rules: Rule[];
}
export interface TableB {
  family: Family;
  name: string;
  chains: Map<string, ChainB>;
  sets: Map<string, NamedSet>;
  secmarks: SecmarkObject[];
  objects: TableObject[];
  flags: string[];
  comment?: string;
}

export class RulesetBuilder {
  readonly tables = new Map<string, TableB>();
  /** When chains are declared and jumped to (nft text only). */
  readonly order = new ChainOrder();
  table(family: Family, name: string): TableB {
    const key = `${family} ${name}`;
    let t = this.tables.get(key);
    if (!t) {
      t = { family, name, chains: new Map(), sets: new Map(), secmarks: [], objects: [], flags: [] };
      this.tables.set(key, t);
    }
    return t;
  }
  chain(t: TableB, name: string): ChainB {
    this.order.declare(`${t.family} ${t.name}`, name);
    let c = t.chains.get(name);
    if (!c) {
      c = { name, rules: [] };
      t.chains.set(name, c);
    }
    return c;
  }
  build(): Ruleset {
    return {
      tables: [...this.tables.values()].map(
        (t): Table => ({
          family: t.family,
          name: t.name,
          origin: 'nft',
          chains: [...t.chains.values()].map(
            (c): Chain => ({ name: c.name, ...(c.base ? { base: c.base } : {}), rules: c.rules }),
          ),
          sets: [...t.sets.values()],
          secmarks: t.secmarks,
          ...(t.flags.length ? { flags: t.flags } : {}),
          ...(t.comment !== undefined ? { comment: t.comment } : {}),
          ...(t.objects.length ? { objects: t.objects } : {}),
        }),
      ),
    };
  }
}
