import { parseSysctls } from '@markwright/core/lint';
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
