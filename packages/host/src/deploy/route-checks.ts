// What plan (and apply, before it touches anything) checks about the tables a document owns: no routes of other
// owners in them, declared devices present, gateways on a connected subnet, copied interfaces present.
import { InputError, type MarkwrightDocument } from '@markwright/core';
import { ownedTables } from '@markwright/core/compile';
import { tableRouteFamilies } from '@markwright/core/document';
import type { Runner } from '../exec/runner';
import type { PlanProblem } from '../types';
import type { Ownership } from './ownership';

interface ListedRoute {
  readonly dst?: string;
  readonly gateway?: string;
  readonly dev?: string;
  readonly protocol?: string;
  readonly type?: string;
}

const listed = (stdout: string): ListedRoute[] => JSON.parse(stdout.trim() || '[]') as ListedRoute[];

const describe = (r: ListedRoute): string =>
  [
    r.type,
    r.dst,
    r.gateway && `via ${r.gateway}`,
    r.dev && `dev ${r.dev}`,
    r.protocol && `proto ${r.protocol}`,
  ]
    .filter(Boolean)
    .join(' ');

async function deviceExists(runner: Runner, dev: string): Promise<boolean> {
  return (await runner.run(['ip', 'link', 'show', 'dev', dev], { allowFail: true })).code === 0;
}

/** Problems with the tables the document owns on this box (empty when every table is free and every route fits). */
export async function ownedTableProblems(
  runner: Runner,
  doc: MarkwrightDocument,
  ownership: Ownership,
): Promise<PlanProblem[]> {
  const out: PlanProblem[] = [];
  const problem = (field: string, value: unknown, message: string) =>
    out.push({ part: 'route', kind: 'document', field, value, message });
  for (const owned of ownedTables(doc)) {
    for (const family of owned.families) {
      const res = await runner.run(
        ['ip', `-${family}`, '-j', 'route', 'show', 'table', String(owned.table)],
        {
          allowFail: true,
        },
      );
      const foreign =
        res.code === 0
          ? listed(res.stdout).filter((r) => r.protocol !== String(ownership.ipRuleProtocol))
          : [];
      if (foreign.length > 0) {
        problem(
          `${owned.path}.table`,
          owned.table,
          `table ${owned.table} already holds IPv${family} routes Markwright does not own (${foreign.slice(0, 3).map(describe).join('; ')}${foreign.length > 3 ? '; ...' : ''}); choose a free table or remove them`,
        );
      }
    }
    const spec = owned.binding.owns;
    for (const [j, route] of (spec?.routes ?? []).entries()) {
      const at = `${owned.path}.owns.routes[${j}]`;
      if (route.dev !== undefined && !(await deviceExists(runner, route.dev))) {
        problem(`${at}.dev`, route.dev, 'no such device on this box');
        continue;
      }
      // A link-local gateway is on every link; the device named with it is what matters.
      if (route.via === undefined || /^fe[89ab]/i.test(route.via)) continue;
      const family = tableRouteFamilies(route, owned.families)[0]!;
      // Asked without `oif`: with one, the kernel takes any address as on-link when no route covers it.
      const got = await runner.run(['ip', `-${family}`, '-j', 'route', 'get', route.via], {
        allowFail: true,
      });
      const hop = got.code === 0 ? listed(got.stdout)[0] : undefined;
      const onLink =
        hop !== undefined &&
        hop.gateway === undefined &&
        (hop.type === undefined || hop.type === 'unicast') &&
        (route.dev === undefined || hop.dev === route.dev);
      if (!onLink) {
        const where = route.dev ? `a subnet of ${route.dev}` : 'a connected subnet';
        const seen = hop ? `the box reaches it by ${describe(hop)}` : got.stderr.trim() || 'no route to it';
        problem(`${at}.via`, route.via, `the gateway is not on ${where} (${seen})`);
      }
    }
    for (const [j, copy] of (spec?.copy ?? []).entries()) {
      if (!(await deviceExists(runner, copy.dev))) {
        problem(`${owned.path}.owns.copy[${j}].dev`, copy.dev, 'no such device on this box');
      }
    }
  }
  return out;
}

/**
 * Apply refuses a document whose tables this box cannot take, before touching anything (the same checks as plan):
 * a table with routes of other owners, a missing device, a gateway off-link. One message names every problem.
 */
export async function assertOwnedTablesDeployable(
  runner: Runner,
  doc: MarkwrightDocument,
  ownership: Ownership,
): Promise<void> {
  if (ownedTables(doc).length === 0) return;
  const problems = await ownedTableProblems(runner, doc, ownership);
  if (problems.length === 0) return;
  const [first, ...rest] = problems;
  const more = rest.length > 0 ? `; and ${rest.map((p) => p.field).join(', ')}` : '';
  throw new InputError(first!.field, first!.value, `${first!.message}${more}. Nothing was applied`);
}
