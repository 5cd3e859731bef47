import { InputError, isModelledMatch, type Match } from '@markwright/core';
import { emitNftRule, parseNftRuleBody } from '@markwright/core/lang';
import { isAlive } from '../deploy/state-store';
import type { Runner } from '../exec/runner';

// The trace rule lives in a table of its own, `inet markwright_trace_<pid>`, never in the deployed table (an apply
// replaces that one whole). Its chains hook prerouting and output at the earliest priority, so the packet is marked
// for tracing before any other table sees it. The rule's comment names the owning process and an expiry: whoever
// finds the table with its owner gone or its time passed (the guard process, the next `markwright trace`)
// removes it.

export const TRACE_TABLE_PREFIX = 'markwright_trace_';
/** NF_IP_PRI_FIRST: before raw (-300), conntrack (-200) and every table a user could add. */
export const TRACE_PRIORITY = -2147483648;

export const traceTableName = (pid: number): string => `${TRACE_TABLE_PREFIX}${pid}`;

/**
 * The `--match` expression as nft prints it. Only tests are allowed (no statements, verdicts or anything the
 * parser does not model), and the text loaded is our own rendering, never the user's words.
 */
export function canonicalMatch(expr: string): string {
  if (expr.trim() === '')
    throw new InputError('--match', expr, 'is empty: give an nft match such as "udp dport 5555"');
  let exprs: readonly { kind: string }[];
  try {
    exprs = parseNftRuleBody(expr, { family: 'inet' }).exprs;
  } catch (error) {
    throw new InputError(
      '--match',
      expr,
      `is not an nft match: ${error instanceof Error ? error.message : error}`,
    );
  }
  const bad = exprs.find((e) => !isModelledMatch(e));
  if (bad || exprs.length === 0) {
    throw new InputError(
      '--match',
      expr,
      'must only test the packet (addresses, ports, protocol, interfaces, marks, ct state)',
    );
  }
  return emitNftRule({ exprs: exprs as Match[] });
}

export interface TraceTableSpec {
  readonly table: string;
  readonly match: string;
  readonly pid: number;
  /** Unix seconds after which anyone may remove the table. */
  readonly until: number;
}

export const traceComment = (pid: number, until: number): string =>
  `markwright trace pid ${pid} until ${until}`;

/** The nft script that adds the trace table (one atomic batch). */
export function traceScript(s: TraceTableSpec): string {
  const rule = `${s.match} meta nftrace set 1 comment "${traceComment(s.pid, s.until)}"`;
  const chain = (name: string, hook: string) =>
    `  chain ${name} {\n    type filter hook ${hook} priority ${TRACE_PRIORITY}; policy accept;\n    ${rule}\n  }\n`;
  return `table inet ${s.table} {\n${chain('pre', 'prerouting')}${chain('out', 'output')}}\n`;
}

export const removeArgv = (table: string): string[] => ['nft', 'delete', 'table', 'inet', table];

/** Owner and expiry of a trace table, read from its rule comment (null when it carries none). */
export function traceOwner(tableJson: string): { pid: number; until: number } | null {
  const m = /markwright trace pid (\d+) until (\d+)/.exec(tableJson);
  return m ? { pid: Number(m[1]), until: Number(m[2]) } : null;
}

/**
 * Remove trace tables whose owner is gone or whose time has passed (a trace killed with SIGKILL whose guard died
 * too). Returns the tables removed.
 */
export async function sweepStaleTraces(runner: Runner, nowSeconds = Date.now() / 1000): Promise<string[]> {
  const listed = await runner.run(['nft', '-j', 'list', 'tables', 'inet'], { allowFail: true });
  if (listed.code !== 0) return [];
  const names = [...listed.stdout.matchAll(/"name":\s*"(markwright_trace_\d+)"/g)].map((m) => m[1]!);
  const removed: string[] = [];
  for (const name of names) {
    const body = await runner.run(['nft', '-j', 'list', 'table', 'inet', name], { allowFail: true });
    if (body.code !== 0) continue;
    const owner = traceOwner(body.stdout);
    const stale = !owner || !isAlive(owner.pid) || owner.until < nowSeconds;
    if (stale && owner?.pid !== process.pid) {
      await runner.run(removeArgv(name), { allowFail: true });
      removed.push(name);
    }
  }
  return removed;
}
