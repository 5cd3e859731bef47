// Everything read back from the state dir is checked before it is used as root: a record may only name our
// table, ip rules tagged with our protocol inside our priority range, routes tagged with it in the tables the
// record owns, and tc filters in our band, in exactly the forms Markwright writes. Anything else is refused with
// the file named.
import { ownedRouteProblem } from '@markwright/core';
import type { DeploymentRecord, OwnedState } from '../types';
import { ownedTableProblem } from './owned-table';
import type { Ownership } from './ownership';
import type { Journal, Pending } from './state-store';

/** A value that is not what the file must hold; `path` says where inside it. */
export class RecordProblem extends Error {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`${path} ${reason}`);
  }
}

type Obj = Record<string, unknown>;

function object(v: unknown, path: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new RecordProblem(path, 'must be an object');
  return v as Obj;
}
function string(v: unknown, path: string): string {
  if (typeof v !== 'string') throw new RecordProblem(path, 'must be a string');
  return v;
}
function nullable<T>(v: unknown, path: string, check: (v: unknown, path: string) => T): T | null {
  return v === null ? null : check(v, path);
}
function list<T>(v: unknown, path: string, check: (v: unknown, path: string) => T): T[] {
  if (!Array.isArray(v)) throw new RecordProblem(path, 'must be a list');
  return v.map((item, i) => check(item, `${path}[${i}]`));
}

const ID = /^[0-9A-Za-z-]{1,64}$/;
function id(v: unknown, path: string): string {
  if (!ID.test(string(v, path))) throw new RecordProblem(path, 'must be a deployment id');
  return v as string;
}
function time(v: unknown, path: string): string {
  if (Number.isNaN(Date.parse(string(v, path)))) throw new RecordProblem(path, 'must be an ISO 8601 time');
  return v as string;
}
function pid(v: unknown, path: string): number {
  if (!Number.isInteger(v) || (v as number) < 1) throw new RecordProblem(path, 'must be a process id');
  return v as number;
}

function priorityRange(v: unknown, path: string): readonly [number, number] {
  const ok = (n: unknown) => Number.isInteger(n) && (n as number) >= 0 && (n as number) <= 0xffffffff;
  if (!Array.isArray(v) || v.length !== 2 || !ok(v[0]) || !ok(v[1]) || v[0] > v[1])
    throw new RecordProblem(path, 'must be a pair [lowest, highest] of ip rule priorities');
  return v as [number, number];
}

// One token of an ip rule or tc line: no spaces, quotes, newlines or other characters a batch line could use.
const TOKEN = /^[A-Za-z0-9_.:/-]+$/;
const RULE_KEYWORDS_ONCE = new Set(['priority', 'pref', 'preference', 'order', 'protocol', 'proto']);

/** An ip rule line as Markwright writes it: `priority N ... proto P`, N inside the owned range. */
export function checkOwnedIpRule(v: unknown, path: string, ownership: Ownership): string {
  const tokens = string(v, path).split(' ');
  const [lo, hi] = ownership.ipRulePriorities;
  const priority = Number(tokens[1]);
  if (tokens.some((t) => !TOKEN.test(t)))
    throw new RecordProblem(
      path,
      'must be one ip rule of plain words (no quotes, newlines or spaces in them)',
    );
  if (tokens[0] !== 'priority' || !Number.isInteger(priority) || priority < lo || priority > hi)
    throw new RecordProblem(path, `must start with priority ${lo}..${hi} (Markwright's ip rule range)`);
  if (tokens.at(-2) !== 'proto' || tokens.at(-1) !== String(ownership.ipRuleProtocol))
    throw new RecordProblem(path, `must end with proto ${ownership.ipRuleProtocol}`);
  if (tokens.filter((t) => RULE_KEYWORDS_ONCE.has(t)).length !== 2)
    throw new RecordProblem(path, 'must name its priority and protocol once');
  return v as string;
}

const DEV = '[A-Za-z0-9_.-]{1,15}';
const PARENT = '(?:root|ingress|egress|[0-9a-f]{1,4}:[0-9a-f]{0,4})';
const HEX = '(?:0x)?[0-9a-f]{1,8}';
const CLASSID = '(?: classid [0-9a-f]{1,4}:[0-9a-f]{0,4})?';
const TC_LINE = new RegExp(
  `^filter add dev ${DEV} parent ${PARENT} protocol [a-z0-9_]{1,16} prio (\\d{1,5})` +
    `(?: handle ${HEX}(?:/${HEX})? fw${CLASSID}| u32 match mark ${HEX} ${HEX}${CLASSID}| [a-z0-9_]{1,16})$`,
);

/** A tc filter line as Markwright writes or reads it: fw or u32 mark match, prio inside the owned band. */
export function checkOwnedTcLine(v: unknown, path: string, ownership: Ownership): string {
  const m = TC_LINE.exec(string(v, path));
  const [lo, hi] = ownership.tcPriorities;
  if (!m) throw new RecordProblem(path, 'must be a tc filter line as Markwright writes it (fw or u32 mark)');
  const prio = Number(m[1]);
  if (prio < lo || prio > hi) throw new RecordProblem(path, `prio must be within ${lo}..${hi}`);
  return v as string;
}

/** Routes of a state: tables a document may own, and lines with our protocol in those tables only. */
export function checkOwnedRoutes(v: unknown, path: string, ownership: Ownership): void {
  const o = object(v, path);
  const tables = list(o.tables, `${path}.tables`, (t, p) => {
    if (
      !Number.isInteger(t) ||
      (t as number) < 1 ||
      (t as number) > 0xffffffff ||
      [253, 254, 255].includes(t as number)
    )
      throw new RecordProblem(p, 'must be a routing table a document may own');
    return t as number;
  });
  for (const family of ['v4', 'v6'] as const) {
    list(o[family], `${path}.${family}`, (line, p) => {
      const problem = ownedRouteProblem(line, tables, ownership.ipRuleProtocol);
      if (problem) throw new RecordProblem(p, problem);
      return line as string;
    });
  }
}

/** An owned state from disk; `structured` demands the nft objects (state that will be loaded). */
export function checkOwnedState(
  v: unknown,
  path: string,
  ownership: Ownership,
  structured: boolean,
): OwnedState {
  const o = object(v, path);
  string(o.nftScript, `${path}.nftScript`);
  const rules = object(o.ipRules, `${path}.ipRules`);
  for (const family of ['v4', 'v6'] as const)
    list(rules[family], `${path}.ipRules.${family}`, (r, p) => checkOwnedIpRule(r, p, ownership));
  list(o.tcFilters, `${path}.tcFilters`, (l, p) => checkOwnedTcLine(l, p, ownership));
  if (o.routes !== undefined) checkOwnedRoutes(o.routes, `${path}.routes`, ownership);
  if (o.nft === undefined) {
    if (structured) throw new RecordProblem(`${path}.nft`, 'is missing (state that would be loaded)');
  } else {
    const problem = ownedTableProblem(o.nft);
    if (problem) throw new RecordProblem(`${path}.nft`, problem);
  }
  return o as unknown as OwnedState;
}

const OUTCOMES = new Set([
  'pending',
  'confirmed',
  'verified',
  'reverted',
  'reverted-by-verification',
  'rolled-back',
  'failed',
  'superseded',
]);

/** The live check kept with a record: shown, never acted on; its shape is checked, its texts are data. */
function checkVerification(v: unknown, path: string): void {
  const o = object(v, path);
  if (typeof o.ok !== 'boolean') throw new RecordProblem(`${path}.ok`, 'must be true or false');
  list(o.rules, `${path}.rules`, (r, p) => object(r, p));
  list(o.disagreements, `${path}.disagreements`, (d, p) => {
    const x = object(d, p);
    for (const key of ['rule', 'field', 'expected', 'seen'] as const) string(x[key], `${p}.${key}`);
  });
}

export function checkRecord(v: unknown, path: string, ownership: Ownership): DeploymentRecord {
  const o = object(v, path);
  id(o.id, `${path}.id`);
  for (const key of ['target', 'document', 'documentName', 'appliedAt'] as const)
    string(o[key], `${path}.${key}`);
  if (!OUTCOMES.has(o.outcome as string))
    throw new RecordProblem(`${path}.outcome`, `must be one of ${[...OUTCOMES].join(', ')}`);
  nullable(o.confirmedAt, `${path}.confirmedAt`, string);
  nullable(o.endedAt, `${path}.endedAt`, string);
  nullable(o.previousId, `${path}.previousId`, id);
  nullable(o.message, `${path}.message`, string);
  if (o.restored !== undefined) string(o.restored, `${path}.restored`);
  // The document is parsed and checked again by whoever reads it (a rollback's live check).
  if (o.documentText !== undefined) string(o.documentText, `${path}.documentText`);
  if (o.verification !== undefined) checkVerification(o.verification, `${path}.verification`);
  if (o.ipRulePriorities !== undefined) priorityRange(o.ipRulePriorities, `${path}.ipRulePriorities`);
  checkOwnedState(o.state, `${path}.state`, ownership, false);
  if (o.snapshot !== undefined) checkOwnedState(o.snapshot, `${path}.snapshot`, ownership, false);
  return o as unknown as DeploymentRecord;
}

const OPS = new Set(['apply', 'revert', 'rollback', 'uninstall']);

export function checkJournal(v: unknown, ownership: Ownership): Journal {
  const o = object(v, 'journal');
  if (!OPS.has(o.op as string)) throw new RecordProblem('op', `must be one of ${[...OPS].join(', ')}`);
  nullable(o.deploymentId, 'deploymentId', id);
  pid(o.pid, 'pid');
  if (o.pidStart !== undefined) string(o.pidStart, 'pidStart');
  time(o.startedAt, 'startedAt');
  checkOwnedState(o.restoreTo, 'restoreTo', ownership, true);
  list(o.tcLines, 'tcLines', (l, p) => checkOwnedTcLine(l, p, ownership));
  nullable(o.draft, 'draft', (d, p) => checkRecord(d, p, ownership));
  return o as unknown as Journal;
}

export function checkPending(v: unknown): Pending {
  const o = object(v, 'pending');
  id(o.id, 'id');
  time(o.deadline, 'deadline');
  nullable(o.watchdogPid, 'watchdogPid', pid);
  return o as unknown as Pending;
}
