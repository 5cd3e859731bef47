import type { IpRule, Route, Table, TcFilter } from '@markwright/core';
import type { RuleBitUsage } from '@markwright/core/analyze';
import { bitsInUse, bitUsage, ipRuleBitUsage, tcBitUsage } from '@markwright/core/analyze';
import { parseIpRoutesJson, parseIpRulesJson, parseTcFiltersJson } from '@markwright/core/lang';
import { OWNED_TABLE, type Ownership } from '../deploy/ownership';
import { probeSecmarkSupport } from '../deploy/secmark-lsm';
import type { Runner } from '../exec/runner';
import { targetLabel } from '../exec/target';
import type { ProbeReport } from '../types';
import { attempt, type BoxRulesetOptions, readBoxRuleset, stdoutOf } from './box-ruleset';
import { consumerVersions } from './consumer-versions';
import { detectConsumers } from './consumers';
import { probeHazards } from './hazards';
import { systemEvidence, withPresence } from './system-evidence';
import { probeVersions } from './versions';

const hex = (n: number) => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;

const out = stdoutOf;

const isOurs = (t: Table) => t.family === 'inet' && t.name === OWNED_TABLE;

/** What the box has: tools, the live ruleset and routing, known consumers and their bits, and what is ours. */
export interface ProbeOptions extends BoxRulesetOptions {
  /** Root of the configuration files read for hazards (`/` on a real box; tests give a private root). */
  readonly rootDir?: string;
}

export async function probe(
  runner: Runner,
  ownership: Ownership,
  options: ProbeOptions = {},
): Promise<ProbeReport> {
  const warnings: string[] = [];
  const tools = await probeVersions(runner);
  const ruleset = await readBoxRuleset(runner, tools, warnings, options);
  const ipRules: IpRule[] = [];
  const routes: Route[] = [];
  for (const family of [4, 6] as const) {
    const flag = family === 4 ? '-4' : '-6';
    const rulesJson = await out(runner, ['ip', flag, '-j', 'rule', 'show']);
    ipRules.push(
      ...attempt(`ip ${flag} rule`, warnings, [], () => parseIpRulesJson(rulesJson || '[]', family)),
    );
    const routesJson = await out(runner, ['ip', flag, '-j', 'route', 'show', 'table', 'all']);
    routes.push(
      ...attempt(`ip ${flag} route`, warnings, [], () => parseIpRoutesJson(routesJson || '[]', family)),
    );
  }
  const links = JSON.parse((await out(runner, ['ip', '-j', 'link', 'show'])) || '[]') as { ifname: string }[];
  const tcFilters: TcFilter[] = [];
  for (const { ifname } of links) {
    for (const parent of ['root', 'ingress', 'egress']) {
      const json = await out(runner, ['tc', '-j', 'filter', 'show', 'dev', ifname, parent]);
      if (!json.trim()) continue;
      tcFilters.push(
        ...attempt(`tc filter ${ifname} ${parent}`, warnings, [], () =>
          parseTcFiltersJson(json, ifname, parent),
        ),
      );
    }
  }
  const [rlo, rhi] = ownership.ipRulePriorities;
  // Our tag outside our priority range is another program's rule (protocol numbers are not reserved).
  const ours = (r: IpRule) =>
    r.protocol === String(ownership.ipRuleProtocol) && r.priority >= rlo && r.priority <= rhi;
  const [tlo, thi] = ownership.tcPriorities;
  const ourTc = (f: TcFilter) => f.priority >= tlo && f.priority <= thi;
  const foreign: RuleBitUsage[] = [
    ...bitUsage({ tables: ruleset.tables.filter((t) => !isOurs(t)) }),
    ...ipRuleBitUsage(ipRules.filter((r) => !ours(r))),
    ...tcBitUsage(tcFilters.filter((f) => !ourTc(f))),
  ];
  const used = bitsInUse(foreign);
  const hazards = await probeHazards(runner, options.rootDir);
  const secmark = await probeSecmarkSupport(options.rootDir);
  const seen = systemEvidence(
    options.rootDir ?? '/',
    links.map((l) => l.ifname),
    runner.target,
  );
  const consumers = withPresence(
    detectConsumers(
      foreign.map((u) => ({
        where: u.where,
        text: u.rule,
        fwmarkBits: (u.reads.fwmark | u.writes.fwmark) >>> 0,
        ctmarkBits: (u.reads.ctmark | u.writes.ctmark) >>> 0,
      })),
      ruleset.tables
        .filter((t) => !isOurs(t))
        .flatMap((t) => [
          `table ${t.family} ${t.name}`,
          ...t.chains.map((c) => `chain ${t.family} ${t.name} ${c.name}`),
        ]),
    ),
    seen.system,
  );
  const versions = await consumerVersions(runner, consumers, seen.packageVersions, foreign);
  return {
    target: targetLabel(runner.target),
    tools,
    box: { ruleset, ipRules, routes, tcFilters },
    bitsInUse: { fwmark: hex(used.any.fwmark), ctmark: hex(used.any.ctmark) },
    consumers: consumers.map((c) => {
      const v = versions.get(c.consumer);
      return v ? { ...c, version: { span: v.span, evidence: v.evidence } } : c;
    }),
    owned: {
      table: ruleset.tables.some(isOurs),
      ipRules: ipRules.filter(ours).length,
      tcFilters: tcFilters.filter(ourTc).length,
    },
    ...(warnings.length ? { warnings } : {}),
    ...(hazards.length ? { hazards } : {}),
    secmark,
  };
}
