import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SecmarkSupport } from '@markwright/core';
import { fullArgv, spawnCollect } from '../exec/runner';

/**
 * A context each security module knows on any system it runs on: SELinux's initial SID for unlabelled objects,
 * AppArmor's unconfined label, Smack's floor label. A module that accepts none of these accepts no label at all.
 */
export const PROBE_CONTEXTS: Readonly<Record<string, string>> = {
  selinux: 'system_u:object_r:unlabeled_t:s0',
  apparmor: 'unconfined',
  smack: '_',
};

/** Active security modules as the kernel lists them, or null when securityfs is not readable under rootDir. */
export function activeLsms(rootDir = '/'): string[] | null {
  try {
    const text = readFileSync(join(rootDir, '/sys/kernel/security/lsm'), 'utf8');
    return text
      .trim()
      .split(',')
      .filter((m) => m !== '');
  } catch {
    return null;
  }
}

/** The contexts worth offering: those of the active modules that label packets, or all when unknown. */
export function contextsToTry(lsms: readonly string[] | null): [string, string][] {
  const all = Object.entries(PROBE_CONTEXTS);
  return lsms === null ? all : all.filter(([lsm]) => lsms.includes(lsm));
}

const firstLine = (text: string) => text.trim().split('\n')[0] ?? '';

/**
 * Load a secmark object into a namespace made only for this (removed whatever happens), once per candidate
 * context: the kernel asks the security modules to map the context, which is what every label needs.
 */
export async function probeSecmarkSupport(rootDir = '/'): Promise<SecmarkSupport> {
  const lsms = activeLsms(rootDir);
  const candidates = contextsToTry(lsms);
  const listed =
    lsms === null
      ? 'active modules unknown (securityfs not mounted)'
      : `active: ${lsms.join(', ') || 'none'}`;
  if (candidates.length === 0)
    return { accepted: false, lsms, reason: `no security module that labels packets is active (${listed})` };
  const ns = `mw-lsm-${process.pid}-${randomBytes(3).toString('hex')}`;
  const added = await spawnCollect(fullArgv({ kind: 'local' }, ['ip', 'netns', 'add', ns]));
  if (added.code !== 0)
    return {
      accepted: false,
      lsms,
      reason: `could not make a scratch namespace: ${firstLine(added.stderr)}`,
    };
  const refusals: string[] = [];
  try {
    for (const [lsm, context] of candidates) {
      const script = `table inet mwlsm {\n  secmark probe { ${JSON.stringify(context)} }\n}\n`;
      const res = await spawnCollect(fullArgv({ kind: 'netns', name: ns }, ['nft', '-f', '-']), script);
      if (res.code === 0)
        return { accepted: true, lsms, context, reason: `${lsm} accepts ${context} (${listed})` };
      const why = /No such file or directory/.test(res.stderr) ? 'ENOENT' : firstLine(res.stderr);
      refusals.push(`${context} (${lsm}): ${why}`);
    }
  } finally {
    await spawnCollect(fullArgv({ kind: 'local' }, ['ip', 'netns', 'del', ns]));
  }
  return {
    accepted: false,
    lsms,
    reason: `the kernel refuses every secmark context tried in a scratch namespace: ${refusals.join('; ')} (${listed})`,
  };
}
