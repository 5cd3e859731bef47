import type { LintFinding } from '../reports/types';
import { tryParseAddr } from '../simulate/address';
import type { Router } from '../simulate/routing';
import { describe, type Flow, lastRoute } from './run-flows';

// Reverse-path filtering (IPv4 only: IPv6 has no rp_filter). For a packet arriving on IFACE the kernel looks up
// the route back to its source (fib_validate_source: from `lo`, mark only when src_valid_mark is on); strict
// mode (1) drops the packet unless that route leaves by IFACE, loose mode (2) unless some route exists.

function sysctlNumber(sysctls: Readonly<Record<string, string>>, key: string): number | null {
  const v = sysctls[key];
  if (v === undefined) return null;
  const n = Number.parseInt(v.trim(), 10);
  return Number.isInteger(n) ? n : null;
}

/** The kernel takes the larger of `all` and the interface's rp_filter, and either's src_valid_mark. */
export function rpSettings(sysctls: Readonly<Record<string, string>>, iface: string) {
  const conf = (name: string, key: string) => sysctlNumber(sysctls, `net.ipv4.conf.${name}.${key}`) ?? 0;
  return {
    mode: Math.max(conf('all', 'rp_filter'), conf(iface, 'rp_filter')),
    validMark: conf('all', 'src_valid_mark') !== 0 || conf(iface, 'src_valid_mark') !== 0,
  };
}

/** Packets of the flows that reverse-path filtering on their input interface would drop. */
export function rpFilterFindings(
  flows: readonly Flow[],
  router: Router,
  sysctls: Readonly<Record<string, string>>,
): LintFinding[] {
  const out: LintFinding[] = [];
  for (const flow of flows) {
    for (const p of flow.packets) {
      const iif = p.spec.iif;
      const route = lastRoute(p.result);
      const saddr = tryParseAddr(p.spec.saddr);
      const daddr = tryParseAddr(p.spec.daddr);
      if (!iif || !route || !saddr || !daddr || saddr.family !== 4) continue;
      const { mode, validMark } = rpSettings(sysctls, iif);
      if (mode === 0) continue;
      const back = router.decide(
        { family: 4, saddr: daddr, daddr: saddr, mark: validMark ? route.mark : 0, iif: 'lo', oif: '' },
        true,
      );
      const routed = back.result === 'output' || back.result === 'local';
      const fails = mode === 1 ? back.oif !== iif : !routed;
      if (!fails) continue;
      const setting = `rp_filter=${mode} (${mode === 1 ? 'strict' : 'loose'})${validMark ? ' with src_valid_mark=1' : ''}`;
      const backWay = back.oif ? `routes back by ${back.oif}` : 'has no route back';
      out.push({
        code: 'rp-filter',
        severity: 'error',
        path: flow.path,
        message: `"${flow.rule.name}": ${setting} on ${iif} drops the ${p.role} packet ${describe(p.spec)}: its source ${backWay}${validMark ? ' with the packet mark' : ' without the mark'}${mode === 1 ? `, not by ${iif}` : ''}; ${validMark ? 'route the source back by this interface' : 'set src_valid_mark=1 or rp_filter=2'} on ${iif}`,
      });
      break;
    }
  }
  return out;
}
