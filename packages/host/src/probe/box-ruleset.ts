import type { Ruleset, Table } from '@markwright/core';
import { parseIptablesSave, parseNftJson } from '@markwright/core/lang';
import type { Runner } from '../exec/runner';
import type { ToolVersions } from '../types';

// The box's ruleset as one view: iptables-save for the tables iptables manages (nft 1.0.6 prints the xt
// targets of iptables-nft rules without their options, and legacy tables are not in nft's view at all),
// nft JSON for every other table. Tables nft lists come first, in its order, then IPv4 then IPv6 xtables.

/** Standard output of a command, or '' when it fails or is missing (versions already say which). */
export async function stdoutOf(runner: Runner, argv: string[]): Promise<string> {
  try {
    const res = await runner.run(argv, { allowFail: true });
    return res.code === 0 ? res.stdout : '';
  } catch {
    return '';
  }
}

/** Parse one source; a source our parsers cannot read is reported, never allowed to hide the rest. */
export function attempt<T>(what: string, warnings: string[], empty: T, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    warnings.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
    return empty;
  }
}

export interface BoxRulesetOptions {
  /**
   * Read all of nft's view with one `nft -j list ruleset`, as the reference the per-table reading is checked
   * against. Slow on a large iptables-nft box: nft translates every iptables rule to JSON only to have it
   * replaced by iptables-save's reading.
   */
  readonly wholeRuleset?: boolean;
}

const FAMILIES = new Set(['ip', 'ip6', 'inet', 'arp', 'bridge', 'netdev']);

/**
 * Every table nft knows, as `[family, name]`, in its order; null when nft cannot say. `nft list sets` prints
 * each table (with its sets only), so nft 1.0.6 answers without fetching any rule, which `list tables` does.
 */
export async function nftTableNames(runner: Runner): Promise<[string, string][] | null> {
  let res: { code: number; stdout: string };
  try {
    res = await runner.run(['nft', 'list', 'sets'], { allowFail: true });
  } catch {
    return null;
  }
  if (res.code !== 0) return null;
  const names: [string, string][] = [];
  for (const line of res.stdout.split('\n')) {
    const m = /^table (\S+) (.+) \{$/.exec(line);
    if (!m) continue;
    if (!FAMILIES.has(m[1]!)) return null; // a family this reading does not know: take the whole view
    names.push([m[1]!, m[2]!]);
  }
  return names;
}

async function readXtables(runner: Runner, warnings: string[]): Promise<(readonly Table[])[]> {
  const out: (readonly Table[])[] = [];
  for (const [tool, family] of [
    ['iptables-save', 4],
    ['ip6tables-save', 6],
  ] as const) {
    const saved = await stdoutOf(runner, [tool]);
    if (!saved.trim()) {
      out.push([]);
      continue;
    }
    out.push(attempt(tool, warnings, { tables: [] }, () => parseIptablesSave(saved, { family })).tables);
  }
  return out;
}

async function wholeNftView(runner: Runner, warnings: string[]): Promise<{ json: string; ruleset: Ruleset }> {
  const json = await stdoutOf(runner, ['nft', '-j', 'list', 'ruleset']);
  const ruleset = json
    ? attempt('nft -j list ruleset', warnings, { tables: [] }, () => parseNftJson(json))
    : { tables: [] };
  return { json, ruleset };
}

/** nft's tables with the xtables of the same family and name replaced by iptables-save's reading. */
function merged(nftTables: readonly Table[], xt4: readonly Table[], xt6: readonly Table[]): Ruleset {
  const covered = new Set([...xt4.map((t) => `ip ${t.name}`), ...xt6.map((t) => `ip6 ${t.name}`)]);
  return {
    tables: [...nftTables.filter((t) => !covered.has(`${t.family} ${t.name}`)), ...xt4, ...xt6],
  };
}

/**
 * The reference reading: all of nft's view, and iptables-save's tables in place of nft's when the box is
 * legacy or nft's view shows xt expressions.
 */
async function wholeRulesetReading(
  runner: Runner,
  tools: ToolVersions,
  warnings: string[],
): Promise<Ruleset> {
  const { json, ruleset } = tools.nft
    ? await wholeNftView(runner, warnings)
    : { json: '', ruleset: { tables: [] } };
  if (!tools.iptables || (tools.iptablesBackend !== 'legacy' && !json.includes('"xt":'))) return ruleset;
  const [xt4, xt6] = await readXtables(runner, warnings);
  return merged(ruleset.tables, xt4!, xt6!);
}

/**
 * The box's ruleset, with a warning for each source that could not be read. With both tools, the tables
 * iptables-save prints are not asked of nft at all: on a large iptables-nft box, nft's translation of every
 * rule to JSON costs far more than reading iptables-save.
 */
export async function readBoxRuleset(
  runner: Runner,
  tools: ToolVersions,
  warnings: string[],
  options: BoxRulesetOptions = {},
): Promise<Ruleset> {
  if (options.wholeRuleset || !tools.nft || !tools.iptables)
    return wholeRulesetReading(runner, tools, warnings);
  const [xt4, xt6] = await readXtables(runner, warnings);
  if (xt4!.length === 0 && xt6!.length === 0) return (await wholeNftView(runner, warnings)).ruleset;
  const names = await nftTableNames(runner);
  if (!names) return merged((await wholeNftView(runner, warnings)).ruleset.tables, xt4!, xt6!);
  const covered = new Set([...xt4!.map((t) => `ip ${t.name}`), ...xt6!.map((t) => `ip6 ${t.name}`)]);
  const nftTables: Table[] = [];
  for (const [family, name] of names) {
    if (covered.has(`${family} ${name}`)) continue;
    const argv = ['nft', '-j', 'list', 'table', family, name];
    const json = await stdoutOf(runner, argv);
    // A name nft cannot take back on its command line: read its whole view instead.
    if (!json) return merged((await wholeNftView(runner, warnings)).ruleset.tables, xt4!, xt6!);
    nftTables.push(...attempt(argv.join(' '), warnings, { tables: [] }, () => parseNftJson(json)).tables);
  }
  return merged(nftTables, xt4!, xt6!);
}
