import type { Table } from '../ir/types';
import { emitNftTable } from '../lang/nft/print-text';

/**
 * An `nft -f` script that replaces exactly this table in one transaction: create it empty if missing (so the
 * delete cannot fail), delete it, define it anew. Other tables are never named. nft 1.0.6 has no `destroy`.
 */
export function nftReplaceScript(table: Table): string {
  const name = `${table.family} ${table.name}`;
  return `table ${name} {}\ndelete table ${name}\n${emitNftTable(table)}`;
}
