import type { BoxVersion, DetectedConsumer } from '@markwright/core';
import { exactSpan, versionFromOutput, versionsFromRules } from '@markwright/core';
import type { RuleBitUsage } from '@markwright/core/analyze';
import type { Runner } from '../exec/runner';

/** Commands that print a consumer's version, run only when the consumer is detected (argv, never a shell). */
const VERSION_COMMANDS: readonly { readonly consumer: string; readonly argv: readonly string[] }[] = [
  { consumer: 'tailscale', argv: ['tailscale', 'version'] },
];

async function commandVersion(runner: Runner, consumer: string, argv: readonly string[]) {
  try {
    const res = await runner.run([...argv], { allowFail: true });
    const version = res.code === 0 ? versionFromOutput(res.stdout) : null;
    return version ? { consumer, span: exactSpan(version), evidence: `${argv.join(' ')}: ${version}` } : null;
  } catch {
    return null; // not installed
  }
}

/**
 * The version of each detected consumer that the box gives away: its own command's output first, then the
 * package databases, then the shape of its rules. Consumers with none found are left out (the caller counts
 * every version for them).
 */
export async function consumerVersions(
  runner: Runner,
  detected: readonly DetectedConsumer[],
  packageVersions: readonly BoxVersion[],
  usages: readonly Pick<RuleBitUsage, 'where' | 'rule'>[],
): Promise<Map<string, BoxVersion>> {
  const ids = new Set(detected.map((c) => c.consumer));
  const out = new Map<string, BoxVersion>();
  for (const { consumer, argv } of VERSION_COMMANDS) {
    if (!ids.has(consumer)) continue;
    const found = await commandVersion(runner, consumer, argv);
    if (found) out.set(consumer, found);
  }
  for (const v of packageVersions) if (ids.has(v.consumer) && !out.has(v.consumer)) out.set(v.consumer, v);
  // Rule shapes only tell Tailscale's versions; a large box's rules are not scanned for nothing.
  if (ids.has('tailscale') && !out.has('tailscale'))
    for (const v of versionsFromRules(usages)) if (ids.has(v.consumer)) out.set(v.consumer, v);
  return out;
}
