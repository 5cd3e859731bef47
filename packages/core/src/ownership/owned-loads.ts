import type { BoxConfig, IpRule, TcFilter } from '../ir/types';
import { formatIpRule } from '../lang/iproute/print-rule';
import { emitNftTable } from '../lang/nft/print-text';
import type { OwnedRoutes } from '../reports/deploy';
import { ownedRouteLines } from './owned-routes';
import type { Ownership } from './ownership';
import { replaceScript } from './replace-script';

/** Everything Markwright owns on a box, as the text deploy loads and reads back. */
export interface OwnedLoads {
  /** The replace script of the owned table (`nft -f -`). */
  readonly nftScript: string;
  /** ip rules per family in the `priority N ...` form `ip rule add` takes and `ip rule show` prints back. */
  readonly ipRules: { readonly v4: readonly string[]; readonly v6: readonly string[] };
  /** tc filters as `tc -batch` lines. */
  readonly tcFilters: readonly string[];
  /** The routes the document declares in the tables it owns (copied routes are added from the box at apply). */
  readonly routes: OwnedRoutes;
}

const RESERVED_TABLES: Record<string, string> = { '253': 'default', '254': 'main', '255': 'local' };

/** An ip rule in the `priority N ...` form that `ip rule add` takes and `ip rule show` prints back. */
export function formatOwnedIpRule(rule: IpRule): string {
  const shown = formatIpRule(rule); // `PRIO:\tfrom all ...`, as ip rule show prints it
  // iproute2 prints the reserved tables by name.
  const named = shown.replace(/ lookup (253|254|255)\b/, (_, n: string) => ` lookup ${RESERVED_TABLES[n]}`);
  return `priority ${rule.priority} ${named.slice(named.indexOf('\t') + 1)}`;
}

const shortHex = (n: number): string => `0x${(n >>> 0).toString(16)}`;

/**
 * A tc filter as a `tc -batch` line, always `parent P` and `handle V/M` so read-back finds its device, parent
 * and priority (the fw classifier; kernels without cls_fw refuse it at apply).
 */
export function formatOwnedTcFilter(f: TcFilter): string {
  const head = `filter add dev ${f.dev} parent ${f.parent} protocol ${f.protocol} prio ${f.priority}`;
  const c = f.classifier;
  const body =
    c.kind === 'fw'
      ? `handle ${shortHex(c.handle)}/${shortHex(c.mask)} fw`
      : c.kind === 'u32-mark'
        ? `u32 match mark ${shortHex(c.value)} ${shortHex(c.mask)}`
        : c.text;
  return `${head} ${body}${f.classid ? ` classid ${f.classid}` : ''}`;
}

/** The owned table's body as `nft list` prints it, or '' when the box has no chains in it. */
export function ownedTableBody(box: BoxConfig, ownership: Ownership): string {
  const table = box.ruleset.tables.find((t) => t.family === 'inet' && t.name === ownership.table);
  return table && table.chains.length > 0 ? emitNftTable(table) : '';
}

/** The owned part of a compiled box as deploy loads it; `tables` are the routing tables the document owns. */
export function ownedLoads(box: BoxConfig, ownership: Ownership, tables: readonly number[] = []): OwnedLoads {
  return {
    nftScript: replaceScript(ownedTableBody(box, ownership), ownership.table),
    ipRules: {
      v4: box.ipRules.filter((r) => r.family === 4).map(formatOwnedIpRule),
      v6: box.ipRules.filter((r) => r.family === 6).map(formatOwnedIpRule),
    },
    tcFilters: box.tcFilters.map(formatOwnedTcFilter),
    routes: ownedRouteLines(box.routes, tables),
  };
}
