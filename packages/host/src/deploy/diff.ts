import type { OwnedState, PlanChange } from '../types';
import { tableBodyOf } from './ownership';

const bodyLines = (script: string): string[] =>
  tableBodyOf(script)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && l !== '}');

function lineDiff(
  kind: PlanChange['kind'],
  live: readonly string[],
  wanted: readonly string[],
): PlanChange[] {
  const out: PlanChange[] = [];
  const liveSet = new Set(live);
  const wantedSet = new Set(wanted);
  for (const text of live) if (!wantedSet.has(text)) out.push({ kind, action: 'remove', text });
  for (const text of wanted) out.push({ kind, action: liveSet.has(text) ? 'keep' : 'add', text });
  return out;
}

/** What changes when `wanted` replaces `live`: nft table lines, ip rules and owned routes (`-4`/`-6` prefixed), tc filters. */
export function diffOwned(live: OwnedState, wanted: OwnedState): PlanChange[] {
  return [
    ...lineDiff('nft', bodyLines(live.nftScript), bodyLines(wanted.nftScript)),
    ...lineDiff(
      'ip-rule',
      [...live.ipRules.v4.map((r) => `-4 ${r}`), ...live.ipRules.v6.map((r) => `-6 ${r}`)],
      [...wanted.ipRules.v4.map((r) => `-4 ${r}`), ...wanted.ipRules.v6.map((r) => `-6 ${r}`)],
    ),
    ...lineDiff(
      'route',
      [...(live.routes?.v4 ?? []).map((r) => `-4 ${r}`), ...(live.routes?.v6 ?? []).map((r) => `-6 ${r}`)],
      [
        ...(wanted.routes?.v4 ?? []).map((r) => `-4 ${r}`),
        ...(wanted.routes?.v6 ?? []).map((r) => `-6 ${r}`),
      ],
    ),
    ...lineDiff('tc', live.tcFilters, wanted.tcFilters),
  ];
}

/** `+ add`, `- remove`, `  keep` lines grouped by kind, as a reviewer reads a patch. */
export function formatChanges(changes: readonly PlanChange[]): string {
  const sign = { add: '+', remove: '-', keep: ' ' } as const;
  const out: string[] = [];
  for (const kind of ['nft', 'ip-rule', 'route', 'tc'] as const) {
    const mine = changes.filter((c) => c.kind === kind);
    if (mine.length === 0) continue;
    out.push(`${kind}:`);
    for (const c of mine) out.push(`${sign[c.action]} ${c.text}`);
  }
  const added = changes.filter((c) => c.action === 'add').length;
  const removed = changes.filter((c) => c.action === 'remove').length;
  out.push(added + removed === 0 ? 'no changes' : `${added} to add, ${removed} to remove`);
  return `${out.join('\n')}\n`;
}
