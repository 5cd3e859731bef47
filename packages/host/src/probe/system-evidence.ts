import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConfigFile, DetectedConsumer, SystemEvidence } from '@markwright/core';
import { detectPresence } from '@markwright/core';

// Read under `rootDir` (`/` on a real box; tests give a private root). Only names and text are used.

function read(rootDir: string, path: string): ConfigFile | null {
  try {
    return { path, text: readFileSync(join(rootDir, path), 'utf8') };
  } catch {
    return null;
  }
}

function list(rootDir: string, dir: string): string[] {
  try {
    return readdirSync(join(rootDir, dir)).sort();
  } catch {
    return [];
  }
}

/** Names of the running processes (`/proc/PID/comm`). */
export function runningProcesses(rootDir: string): string[] {
  return list(rootDir, '/proc')
    .filter((pid) => /^\d+$/.test(pid))
    .flatMap((pid) => {
      const comm = read(rootDir, `/proc/${pid}/comm`)?.text.trim();
      return comm ? [comm] : [];
    });
}

/** wg-quick's configurations (`/etc/wireguard/*.conf`). */
export function wireguardConfigs(rootDir: string): ConfigFile[] {
  return list(rootDir, '/etc/wireguard')
    .filter((f) => f.endsWith('.conf'))
    .flatMap((f) => read(rootDir, `/etc/wireguard/${f}`) ?? []);
}

/**
 * What probe sees besides rules. Processes only for the box itself: process ids are not per network namespace,
 * so a daemon on the host says nothing about a namespace target. Interfaces are the target's own.
 */
export function systemEvidence(
  rootDir: string,
  interfaces: readonly string[],
  options: { readonly processes: boolean },
): SystemEvidence {
  return {
    processes: options.processes ? runningProcesses(rootDir) : [],
    interfaces,
    configs: wireguardConfigs(rootDir),
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
