import type { Ruleset } from '../../ir/types';
import { ParseError } from '../errors';
import { parseIptablesSave } from './save';

// `iptables [-t TABLE] -S` prints one table without its name: `-P CHAIN POLICY`, `-N CHAIN`, `-A CHAIN ...`.
// Pasted outputs of several tables follow each other, each starting with its policies. Each block becomes an
// iptables-save table: its name given, or told by its built-in chains and targets (filter by default).

const TABLE_CHAINS: readonly [string, readonly string[]][] = [
  ['mangle', ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING']],
  ['nat', ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING']],
  ['filter', ['INPUT', 'FORWARD', 'OUTPUT']],
  ['raw', ['PREROUTING', 'OUTPUT']],
];

const same = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((x) => b.includes(x));

/** The table a block of `-S` lines belongs to. */
function tableOf(lines: readonly string[]): string {
  const policies = lines.flatMap((l) => /^-P (\S+) /.exec(l)?.[1] ?? []);
  const byChains = TABLE_CHAINS.find(([, chains]) => same(chains, policies));
  if (byChains) return byChains[0];
  const text = lines.join('\n');
  if (/ -j (MASQUERADE|DNAT|SNAT|REDIRECT|NETMAP)\b/.test(text)) return 'nat';
  if (/ -j (MARK|CONNMARK|TPROXY|TOS|TTL|DSCP|HMARK|SECMARK|CONNSECMARK)\b/.test(text)) return 'mangle';
  if (/ -j (CT|NOTRACK)\b/.test(text)) return 'raw';
  return 'filter';
}

/** Whether the text is `iptables -S` output (policies and rules with no `*table` header). */
export const looksLikeListRules = (firstLine: string): boolean => /^-P \S+ (ACCEPT|DROP)$/.test(firstLine);

/** `iptables [-t T] -S` text, one or more tables, as a Ruleset; `table` names the table of a single block. */
export function parseIptablesListRules(
  text: string,
  options: { readonly table?: string; readonly family?: 4 | 6 } = {},
): Ruleset {
  const lines = text.split('\n');
  const blocks: { start: number; lines: string[]; numbers: number[] }[] = [];
  let prev = '';
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    if (line.startsWith('-P ') && !prev.startsWith('-P ')) blocks.push({ start: i, lines: [], numbers: [] });
    if (blocks.length === 0) blocks.push({ start: i, lines: [], numbers: [] });
    blocks[blocks.length - 1]!.lines.push(line);
    blocks[blocks.length - 1]!.numbers.push(i + 1);
    prev = line;
  });
  // The save text gets a `*table` and a COMMIT line per block: `origin` maps its lines back to the pasted ones.
  const save: string[] = [];
  const origin: number[] = [];
  const add = (line: string, from: number) => {
    save.push(line);
    origin.push(from);
  };
  for (const block of blocks) {
    const table = blocks.length === 1 && options.table ? options.table : tableOf(block.lines);
    add(`*${table}`, block.start + 1);
    block.lines.forEach((line, k) => {
      const policy = /^-P (\S+) (\S+)$/.exec(line);
      add(policy ? `:${policy[1]} ${policy[2]} [0:0]` : line, block.numbers[k]!);
    });
    add('COMMIT', block.numbers[block.numbers.length - 1]!);
  }
  try {
    return parseIptablesSave(save.join('\n'), { family: options.family ?? 4 });
  } catch (error) {
    if (!(error instanceof ParseError)) throw error;
    const line = origin[error.line - 1] ?? error.line;
    throw new ParseError({ line, column: error.column }, error.expected, String(error.value));
  }
}
