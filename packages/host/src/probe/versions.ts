import type { Runner } from '../exec/runner';
import type { ToolVersions } from '../types';

async function firstLine(runner: Runner, argv: string[]): Promise<string | null> {
  try {
    const res = await runner.run(argv, { allowFail: true });
    if (res.code !== 0) return null;
    return (res.stdout || res.stderr).split('\n')[0]!.trim() || null;
  } catch {
    return null; // not installed
  }
}

/** `nftables v1.0.6 (Lester Gooch #5)` -> `1.0.6`; the whole line when no version number is in it. */
export function versionOf(line: string | null): string | null {
  if (line === null) return null;
  return /v?(\d+\.\d+(\.\d+)?)/.exec(line)?.[1] ?? line;
}

export function iptablesBackendOf(line: string | null): ToolVersions['iptablesBackend'] {
  if (line === null) return null;
  if (line.includes('nf_tables')) return 'nf_tables';
  return 'legacy';
}

export async function probeVersions(runner: Runner): Promise<ToolVersions> {
  const iptables = await firstLine(runner, ['iptables', '--version']);
  return {
    nft: versionOf(await firstLine(runner, ['nft', '--version'])),
    iptables: versionOf(iptables),
    iptablesBackend: iptablesBackendOf(iptables),
    ip: versionOf(await firstLine(runner, ['ip', '-V'])),
    tc: versionOf(await firstLine(runner, ['tc', '-V'])),
    conntrack: versionOf(await firstLine(runner, ['conntrack', '--version'])),
  };
}
