import { OWNED_TABLE, type Ownership } from '../deploy/ownership';
import type { Runner } from '../exec/runner';
import { targetLabel } from '../exec/target';
import type { ProbeReport } from '../types';
import { detectConsumers } from './consumers';
import {
  type ParsedRule,
  readIpRulesJson,
  readIptablesSave,
  readNftJson,
  readRoutesJson,
  readTcFiltersJson,
} from './interim-parse';
import { probeVersions } from './versions';

const hex = (n: number) => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;

async function out(runner: Runner, argv: string[]): Promise<string> {
  try {
    const res = await runner.run(argv, { allowFail: true });
    return res.code === 0 ? res.stdout : '';
  } catch {
    return ''; // the tool is missing; versions already say so
  }
}

/** What the box has: tools, the live ruleset and routing, known consumers and their bits, and what is ours. */
export async function probe(runner: Runner, ownership: Ownership): Promise<ProbeReport> {
  const tools = await probeVersions(runner);
  const nftJson = tools.nft ? await out(runner, ['nft', '-j', 'list', 'ruleset']) : '';
  const { tables, rules } = nftJson ? readNftJson(nftJson) : { tables: [], rules: [] as ParsedRule[] };
  const foreign: ParsedRule[] = rules.filter((r) => !r.where.startsWith(`table inet ${OWNED_TABLE} `));
  // Legacy iptables rules are not in nft's view; and nft 1.0.6 prints xt targets of iptables-nft rules
  // without their options (`{"xt":{"type":"target","name":"MARK"}}`), so their bits come from iptables-save.
  const hasXt = rules.some((r) => r.text.includes('"xt"'));
  if (tools.iptables && (tools.iptablesBackend === 'legacy' || hasXt)) {
    const saved = await out(runner, ['iptables-save']);
    foreign.push(...readIptablesSave(saved));
  }
  const ipRules = [
    ...readIpRulesJson(await out(runner, ['ip', '-4', '-j', 'rule', 'show']), 4),
    ...readIpRulesJson(await out(runner, ['ip', '-6', '-j', 'rule', 'show']), 6),
  ];
  const routes = [
    ...readRoutesJson(await out(runner, ['ip', '-4', '-j', 'route', 'show', 'table', 'all']), 4),
    ...readRoutesJson(await out(runner, ['ip', '-6', '-j', 'route', 'show', 'table', 'all']), 6),
  ];
  const links = JSON.parse((await out(runner, ['ip', '-j', 'link', 'show'])) || '[]') as { ifname: string }[];
  const tcFilters = [];
  for (const { ifname } of links) {
    for (const parent of ['root', 'ingress', 'egress']) {
      tcFilters.push(
        ...readTcFiltersJson(
          await out(runner, ['tc', '-j', 'filter', 'show', 'dev', ifname, parent]),
          ifname,
          parent,
        ),
      );
    }
  }
  const ours = (r: { protocol?: string }) => r.protocol === String(ownership.ipRuleProtocol);
  const [tlo, thi] = ownership.tcPriorities;
  let fw = 0;
  let ct = 0;
  for (const r of foreign) {
    fw = (fw | r.fwmarkBits) >>> 0;
    ct = (ct | r.ctmarkBits) >>> 0;
  }
  for (const r of ipRules) if (!ours(r) && r.fwmark) fw = (fw | r.fwmark.mask) >>> 0;
  const ipRuleEvidence = ipRules
    .filter((r) => !ours(r))
    .map((r) => ({
      where: `ip rule ${r.priority}`,
      text: `${r.action.kind === 'table' ? `lookup ${r.action.table}` : r.action.kind} ${r.protocol ?? ''}`,
      fwmarkBits: r.fwmark?.mask ?? 0,
      ctmarkBits: 0,
    }));
  return {
    target: targetLabel(runner.target),
    tools,
    box: { ruleset: { tables }, ipRules, routes, tcFilters },
    bitsInUse: { fwmark: hex(fw), ctmark: hex(ct) },
    consumers: detectConsumers([...foreign, ...ipRuleEvidence]),
    owned: {
      table: tables.some((t) => t.family === 'inet' && t.name === OWNED_TABLE),
      ipRules: ipRules.filter(ours).length,
      tcFilters: tcFilters.filter((f) => f.priority >= tlo && f.priority <= thi).length,
    },
  };
}
