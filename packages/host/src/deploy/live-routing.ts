import type { IpRule, Route } from '@markwright/core';
import { parseIpRoutesJson, parseIpRulesJson } from '@markwright/core/lang';
import { type LintBox, parseSysctls } from '@markwright/core/lint';
import type { Runner } from '../exec/runner';

/**
 * The per-interface IPv4 routing sysctls (`net.ipv4.conf.*.rp_filter`, `src_valid_mark`, ...) of the target, as
 * `sysctl -a` prints them; keys the kernel refuses to show are left out. Read in the target's namespace.
 */
export async function readRoutingSysctls(runner: Runner): Promise<Record<string, string>> {
  const res = await runner.run(['sysctl', '-a', '-r', '^net\\.ipv4\\.conf\\.'], { allowFail: true });
  const lines = res.stdout.split('\n').filter((l) => /^net\.ipv4\.conf\.[^=]+=/.test(l));
  return parseSysctls(lines.join('\n'), 'sysctl -a');
}

/** What the linter runs a design on: the target's ip rules and routes (both families, every table) and sysctls. */
export async function readLiveRouting(runner: Runner): Promise<LintBox> {
  const ipRules: IpRule[] = [];
  const routes: Route[] = [];
  for (const family of [4, 6] as const) {
    const flag = family === 4 ? '-4' : '-6';
    const rules = await runner.run(['ip', flag, '-j', 'rule', 'show'], { allowFail: true });
    if (rules.code === 0) ipRules.push(...parseIpRulesJson(rules.stdout.trim() || '[]', family));
    const listed = await runner.run(['ip', flag, '-j', 'route', 'show', 'table', 'all'], { allowFail: true });
    if (listed.code === 0) routes.push(...parseIpRoutesJson(listed.stdout.trim() || '[]', family));
  }
  return { ipRules, routes, sysctls: await readRoutingSysctls(runner) };
}
