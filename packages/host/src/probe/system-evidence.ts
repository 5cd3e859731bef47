import { readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { BoxVersion, DetectedConsumer, SystemEvidence } from '@markwright/core';
import { detectPresence, versionsFromPackages } from '@markwright/core';
import type { Target } from '../types';
import { listDir, packageDatabases, readText, signFiles } from './box-files';

// Read under `rootDir` (`/` on a real box; tests give a private root). Only names and text are used.

/**
 * The network namespace a target's rules live in, as the kernel names it in /proc/PID/ns/net (`net:[INODE]`):
 * ours for `local`, the inode of /run/netns/NAME for a named one. Null when it cannot be read.
 */
export function targetNamespace(rootDir: string, target: Target): string | null {
  try {
    if (target.kind === 'local') return readlinkSync(join(rootDir, '/proc/self/ns/net'));
    return `net:[${statSync(join(rootDir, '/run/netns', target.name)).ino}]`;
  } catch {
    return null;
  }
}

/**
 * Names of the processes running in this network namespace (`/proc/PID/comm`): a daemon elsewhere, on the host
 * or in a container, writes its marks in its own namespace, not the target's. With the namespace unknown
 * (null), every process counts.
 */
export function runningProcesses(rootDir: string, netns: string | null): string[] {
  return listDir(rootDir, '/proc')
    .filter((pid) => /^\d+$/.test(pid))
    .flatMap((pid) => {
      if (netns !== null) {
        try {
          if (readlinkSync(join(rootDir, `/proc/${pid}/ns/net`)) !== netns) return [];
        } catch {
          return []; // gone, or not ours to read
        }
      }
      const comm = readText(rootDir, `/proc/${pid}/comm`)?.text.trim();
      return comm ? [comm] : [];
    });
}

/** What probe sees besides rules, and the consumers' versions that the package databases give. */
export interface BoxEvidence {
  readonly system: SystemEvidence;
  readonly packageVersions: readonly BoxVersion[];
}

/**
 * What probe sees besides rules. Interfaces are the target's own, and so are the processes running in its
 * network namespace. Files and packages belong to the whole box: they count as presence only for the box's
 * own namespace (`local`); for a `netns:` target they only give versions (a daemon started in a namespace runs
 * the host's binary).
 */
export function systemEvidence(rootDir: string, interfaces: readonly string[], target: Target): BoxEvidence {
  const netns = targetNamespace(rootDir, target);
  const named = target.kind === 'netns';
  const packageVersions = versionsFromPackages(packageDatabases(rootDir));
  const files = named ? { configs: [], present: [] } : signFiles(rootDir);
  return {
    system: {
      // A named namespace whose id cannot be read has no process known to run in it.
      processes: named && netns === null ? [] : runningProcesses(rootDir, netns),
      interfaces,
      configs: files.configs,
      present: files.present,
      packages: named ? [] : packageVersions,
    },
    packageVersions,
  };
}

/** Consumers found in rules, joined by those seen through processes, interfaces and files (evidence appended). */
export function withPresence(
  fromRules: readonly DetectedConsumer[],
  system: SystemEvidence,
): DetectedConsumer[] {
  const out = fromRules.map((c) => ({ ...c, evidence: [...c.evidence] }));
  for (const seen of detectPresence(system)) {
    const known = out.find((c) => c.consumer === seen.consumer);
    if (known) known.evidence.push(...seen.evidence);
    else
      out.push({
        consumer: seen.consumer,
        evidence: [...seen.evidence],
        fwmarkBits: '0x00000000',
        ctmarkBits: '0x00000000',
      });
  }
  return out;
}
